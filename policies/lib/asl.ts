// The Amazon States Language (JSONPath flavour) as the policy tests build it: exact ASL field names,
// `Next` vs `End: true` enforced by the types. Policies never trust a definition to match these types;
// they read what they receive through `asl-read.ts`. Deliberately separate from components/asl/types.ts,
// which models only what this project emits: the policies must handle any definition (legacy Map
// `Iterator`, `*Path` comparisons, timeouts from paths), and the pack must not depend on the program.
import type { JsonObject, JsonValue } from "./json";

type Ending = { Next: string; End?: never } | { End: true; Next?: never };

interface Io {
  Comment?: string;
  InputPath?: string | null;
  OutputPath?: string | null;
}

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

export type TaskState = Io &
  Ending & {
    Type: "Task";
    Resource: string;
    Parameters?: JsonObject;
    ResultSelector?: JsonObject;
    ResultPath?: string | null;
    TimeoutSeconds?: number;
    TimeoutSecondsPath?: string;
    HeartbeatSeconds?: number;
    HeartbeatSecondsPath?: string;
    Retry?: Retrier[];
    Catch?: Catcher[];
  };

export type PassState = Io &
  Ending & { Type: "Pass"; Parameters?: JsonObject; Result?: JsonValue; ResultPath?: string | null };

export type WaitState = Io &
  Ending & {
    Type: "Wait";
    Seconds?: number;
    SecondsPath?: string;
    Timestamp?: string;
    TimestampPath?: string;
  };

/** A Choice rule: a comparison on `Variable`, or a boolean combination; only top-level rules carry `Next`. */
export interface ChoiceRule {
  Variable?: string;
  Next?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  NumericEquals?: number;
  NumericEqualsPath?: string;
  NumericLessThan?: number;
  NumericLessThanPath?: string;
  NumericLessThanEquals?: number;
  NumericLessThanEqualsPath?: string;
  NumericGreaterThan?: number;
  NumericGreaterThanPath?: string;
  NumericGreaterThanEquals?: number;
  NumericGreaterThanEqualsPath?: string;
  StringEquals?: string;
  StringEqualsPath?: string;
  BooleanEquals?: boolean;
  IsPresent?: boolean;
  IsNull?: boolean;
}

export interface ChoiceState extends Io {
  Type: "Choice";
  Choices: (ChoiceRule & { Next: string })[];
  Default?: string;
}

export interface SucceedState extends Io {
  Type: "Succeed";
}

export interface FailState {
  Type: "Fail";
  Comment?: string;
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
}

export interface Scope {
  StartAt: string;
  States: Record<string, State>;
}

export type ParallelState = Io &
  Ending & {
    Type: "Parallel";
    Branches: Scope[];
    Parameters?: JsonObject;
    ResultPath?: string | null;
    Retry?: Retrier[];
    Catch?: Catcher[];
  };

export type MapState = Io &
  Ending & {
    Type: "Map";
    /** The legacy name of `ItemProcessor`. */
    Iterator?: Scope;
    ItemProcessor?: Scope & { ProcessorConfig?: { Mode?: "INLINE" | "DISTRIBUTED"; ExecutionType?: string } };
    ItemsPath?: string;
    ItemSelector?: JsonObject;
    MaxConcurrency?: number;
    ResultPath?: string | null;
    Retry?: Retrier[];
    Catch?: Catcher[];
  };

export type State =
  TaskState | PassState | WaitState | ChoiceState | SucceedState | FailState | ParallelState | MapState;

export interface StateMachineDefinition extends Scope {
  Comment?: string;
  TimeoutSeconds?: number;
  Version?: string;
}
