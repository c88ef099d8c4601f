// SageMaker's one rule for the names of jobs, models, endpoint configs and endpoints: letters, digits and
// hyphens, starting and ending with a letter or digit, at most 63 characters. The stack config, the
// settings, the handlers' events and the local stand-ins all check names with it.

/** The longest SageMaker name. */
export const SAGEMAKER_NAME_MAX_LENGTH = 63;

/**
 * The rule for names of at most `maxLength` characters (a prefix of a longer name has a shorter limit).
 * The length is a lookahead: in SageMaker's own pattern, `(-*[a-zA-Z0-9]){0,62}`, the hyphens are unbounded.
 */
export function sageMakerNamePattern(maxLength = SAGEMAKER_NAME_MAX_LENGTH): RegExp {
  return new RegExp(`^(?=.{1,${maxLength}}$)[a-zA-Z0-9](-*[a-zA-Z0-9])*$`);
}

export const SAGEMAKER_NAME = sageMakerNamePattern();

/** What a bad name is told. */
export const SAGEMAKER_NAME_RULE = `1-${SAGEMAKER_NAME_MAX_LENGTH} letters, digits or hyphens, starting with a letter or digit`;
