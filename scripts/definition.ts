// `npm run definition -- --stack dev|prod`: prints the state machine JSON for that stack's settings, with
// placeholder ARNs where the real ones exist only after deployment.
import { parseArgs } from "node:util";
import {
  type DeployedReferences,
  pipelineSettingsFromConfig,
  placeholderReferences,
} from "../components/config";
import { renderPipelineDefinition } from "../components/pipeline/definition";
import { readStackConfigFile } from "../components/stack-config-file";

const HELP = `Usage: npm run definition -- --stack <dev|prod>

Prints the Step Functions definition (JSON) that \`pulumi up -s <stack>\` deploys, built from
Pulumi.<stack>.yaml. ARNs that only exist after deployment (Lambdas, roles, buckets, image) are
placeholders in account 111111111111.`;

/**
 * A header for stderr, so that stdout stays the JSON a pipe or `> file` expects: which values of the
 * definition are placeholders, since the real ones exist only after `pulumi up`.
 */
export function placeholderHeader(stack: string, references: DeployedReferences): string {
  return [
    `// The "${stack}" stack's definition, with PLACEHOLDER values where the real ones exist only after deployment:`,
    `//   account ${references.aws.accountId} in every ARN (yours after \`pulumi up\`)`,
    `//   image ${references.imageUri} (the deployed image is the one the stack builds and pushes)`,
    `//   role ${references.sageMakerRoleArn}, buckets ${references.dataBucket} and ${references.artifactBucket}`,
    `//   Lambda functions ${Object.values(references.lambdas)[0] ?? ""} and the like`,
  ].join("\n");
}

function main(): void {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, help: { type: "boolean" } },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (!values.stack) throw new Error(`--stack is required.\n\n${HELP}`);
  const file = readStackConfigFile(values.stack);
  const references = placeholderReferences(file.stack, file.region, file.config.kmsKeyArn);
  const settings = pipelineSettingsFromConfig(file.config, references);
  console.error(placeholderHeader(file.stack, references));
  process.stdout.write(`${renderPipelineDefinition(settings)}\n`);
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
