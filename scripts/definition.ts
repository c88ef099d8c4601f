// `npm run definition -- --stack dev|prod`: prints the state machine JSON for that stack's settings, with
// placeholder ARNs where the real ones exist only after deployment.
import { parseArgs } from "node:util";
import { pipelineSettingsFromConfig, placeholderReferences } from "../components/config";
import { renderPipelineDefinition } from "../components/pipeline/definition";
import { readStackConfigFile } from "./stack-config-file";

const HELP = `Usage: npm run definition -- --stack <dev|prod>

Prints the Step Functions definition (JSON) that \`pulumi up -s <stack>\` deploys, built from
Pulumi.<stack>.yaml. ARNs that only exist after deployment (Lambdas, roles, buckets, image) are
placeholders in account 111111111111.`;

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
  const settings = pipelineSettingsFromConfig(
    file.config,
    placeholderReferences(file.stack, file.region, file.config.kmsKeyArn),
  );
  process.stdout.write(`${renderPipelineDefinition(settings)}\n`);
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
