// `npm run graph`: prints the pipeline as Mermaid, writes docs/pipeline.svg and the README's Mermaid block.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { pipelineSettingsFromConfig, placeholderReferences } from "../components/config";
import { buildPipelineDefinition } from "../components/pipeline/definition";
import { dotToSvg, toDot, toMermaid, withMermaidBlock } from "../report/pipeline-graph";
import { readStackConfigFile } from "../components/stack-config-file";

const HELP = `Usage: npm run graph -- [--stack dev|prod] [--svg FILE] [--no-readme]

Prints the state machine as Mermaid, writes it as SVG (default docs/pipeline.svg, rendered by
Graphviz compiled to WASM) and refreshes the Mermaid block of README.md (unless --no-readme).
The graph's shape is the same for every stack; --stack (default dev) picks the settings.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "dev" },
      svg: { type: "string", default: "docs/pipeline.svg" },
      "no-readme": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const file = readStackConfigFile(values.stack);
  const definition = buildPipelineDefinition(
    pipelineSettingsFromConfig(
      file.config,
      placeholderReferences(file.stack, file.region, file.config.kmsKeyArn),
    ),
  );
  const mermaid = toMermaid(definition);
  console.log(mermaid);
  const svg = await dotToSvg(toDot(definition));
  mkdirSync(dirname(values.svg), { recursive: true });
  writeFileSync(values.svg, svg);
  console.error(`Wrote ${values.svg} (${Object.keys(definition.States).length} states).`);
  if (!values["no-readme"]) {
    writeFileSync("README.md", withMermaidBlock(readFileSync("README.md", "utf8"), mermaid));
    console.error("Refreshed the Mermaid block of README.md.");
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(2);
});
