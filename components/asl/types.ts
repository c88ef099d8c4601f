// A typed model of the Amazon States Language (JSONPath flavour), with the exact ASL field names.
// `Next` and `End: true` are mutually exclusive by construction, so a state that leads nowhere does not
// type-check. Only what this project emits is modelled; no JSONata, no `Assign` (the local executor
// does not support them).

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
/** A Parameters / ResultSelector template: keys ending in `.$` hold a path or an intrinsic function. */
export type PayloadTemplate = { [key: string]: JsonValue };

/** Either the state continues to `Next`, or it ends the execution. */
export type Transition = { Next: string; End?: never } | { End: true; Next?: never };

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

interface StateBase {
  Comment?: string;
}

interface InputOutput {
  InputPath?: string | null;
  OutputPath?: string | null;
}

export type TaskState = StateBase &
  InputOutput &
  Transition & {
    Type: "Task";
    Resource: string;
    Parameters?: PayloadTemplate;
    ResultSelector?: PayloadTemplate;
    ResultPath?: string | null;
    TimeoutSeconds?: number;
    HeartbeatSeconds?: number;
    Retry?: Retrier[];
    Catch?: Catcher[];
  };

export type PassState = StateBase &
  InputOutput &
  Transition & {
    Type: "Pass";
    Parameters?: PayloadTemplate;
    Result?: JsonValue;
    ResultPath?: string | null;
  };

export type WaitState = StateBase &
  InputOutput &
  Transition & {
    Type: "Wait";
  } & ({ Seconds: number } | { SecondsPath: string } | { Timestamp: string } | { TimestampPath: string });

/** A data-test expression: `Variable` plus exactly one comparison operator. */
export type ChoiceCondition =
  | ({ Variable: string } & (
      | { StringEquals: string }
      | { StringMatches: string }
      | { StringEqualsPath: string }
      | { NumericEquals: number }
      | { NumericGreaterThanEquals: number }
      | { NumericLessThan: number }
      | { BooleanEquals: boolean }
      | { IsPresent: boolean }
    ))
  | { And: ChoiceCondition[] }
  | { Or: ChoiceCondition[] }
  | { Not: ChoiceCondition };

export type ChoiceRule = ChoiceCondition & { Next: string };

export interface ChoiceState extends StateBase, InputOutput {
  Type: "Choice";
  Choices: ChoiceRule[];
  Default?: string;
}

export interface SucceedState extends StateBase, InputOutput {
  Type: "Succeed";
}

export interface FailState extends StateBase {
  Type: "Fail";
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
}

export interface Branch {
  StartAt: string;
  States: Record<string, State>;
  Comment?: string;
}

export type ParallelState = StateBase &
  InputOutput &
  Transition & {
    Type: "Parallel";
    Branches: Branch[];
    Parameters?: PayloadTemplate;
    ResultSelector?: PayloadTemplate;
    ResultPath?: string | null;
    Retry?: Retrier[];
    Catch?: Catcher[];
  };

export type MapState = StateBase &
  InputOutput &
  Transition & {
    Type: "Map";
    ItemProcessor: Branch & { ProcessorConfig?: { Mode: "INLINE" } };
    ItemsPath?: string;
    ItemSelector?: PayloadTemplate;
    MaxConcurrency?: number;
    ResultSelector?: PayloadTemplate;
    ResultPath?: string | null;
    Retry?: Retrier[];
    Catch?: Catcher[];
  };

export type State =
  TaskState | PassState | WaitState | ChoiceState | SucceedState | FailState | ParallelState | MapState;

export type StateType = State["Type"];

export interface StateMachineDefinition extends Branch {
  TimeoutSeconds?: number;
  Version?: "1.0";
}

/** A piece of a definition: its states and where it starts. The composer wires fragments together. */
export interface Fragment {
  startAt: string;
  states: Record<string, State>;
}
