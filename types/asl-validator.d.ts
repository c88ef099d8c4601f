// asl-validator ships no typings; this is the part of its API the tests use.
declare module "asl-validator" {
  interface AslValidatorResult {
    isValid: boolean;
    errors: { "Error code": string; Message: string; path?: string }[];
  }
  /** Validates a definition. Note: it adds `QueryLanguage` to the states it is given; pass a copy. */
  function validator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): AslValidatorResult;
  export = validator;
}
