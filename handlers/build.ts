// Bundles each Lambda handler with esbuild into dist/handlers/<name>/index.js (CommonJS, Node 20), the
// AWS SDK included: the SDK in the Lambda runtime may predate features the handlers rely on (an older
// S3 client would silently drop `IfNoneMatch` from CopyObject, and the snapshot could be overwritten).
// Run: npm run build:handlers [-- <outdir>]
import { join, relative } from "node:path";
import { build, type Metafile } from "esbuild";
import { HANDLER_NAMES, type HandlerName } from "../contracts/handlers";

export const DEFAULT_OUTDIR = join(__dirname, "..", "dist", "handlers");

export interface BundleReport {
  readonly name: HandlerName;
  readonly file: string;
  readonly bytes: number;
}

/** Inputs that must never reach a Lambda bundle: the local stand-ins (DuckDB is native and ESM-only). */
function localInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter(
    (input) =>
      input.includes("handlers/local/") || input.includes("handlers/testing/") || input.includes("@duckdb"),
  );
}

export async function buildHandlers(outdir: string = DEFAULT_OUTDIR): Promise<BundleReport[]> {
  return Promise.all(
    HANDLER_NAMES.map(async (name) => {
      const file = join(outdir, name, "index.js");
      const result = await build({
        entryPoints: [join(__dirname, `${name}.ts`)],
        outfile: file,
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        // The SDK's ES module builds, so that esbuild drops the commands a handler never sends.
        mainFields: ["module", "main"],
        minify: true,
        keepNames: true,
        legalComments: "external",
        metafile: true,
        logLevel: "warning",
      });
      const leaked = localInputs(result.metafile);
      if (leaked.length > 0) {
        throw new Error(`The ${name} bundle includes local-only modules: ${leaked.join(", ")}.`);
      }
      const output = result.metafile.outputs[relative(process.cwd(), file)];
      return { name, file, bytes: output?.bytes ?? 0 };
    }),
  );
}

export const BUILD_USAGE = [
  "Usage: npm run build:handlers [-- <outdir>]",
  "Bundles each Lambda handler into <outdir>/<name>/index.js (default dist/handlers/).",
].join("\n");

/** The command line: `--help`, or the output directory; an option it does not know is an error naming it. */
export function parseBuildArgs(argv: readonly string[]): { help: true } | { help: false; outdir: string } {
  if (argv.includes("--help") || argv.includes("-h")) return { help: true };
  const unknown = argv.find((arg) => arg.startsWith("-"));
  if (unknown !== undefined) throw new Error(`Unknown option "${unknown}".\n\n${BUILD_USAGE}`);
  if (argv.length > 1)
    throw new Error(`One output directory, not ${argv.length}: ${argv.join(" ")}.\n\n${BUILD_USAGE}`);
  return { help: false, outdir: argv[0] ?? DEFAULT_OUTDIR };
}

if (require.main === module) {
  let args: ReturnType<typeof parseBuildArgs>;
  try {
    args = parseBuildArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(BUILD_USAGE);
    process.exit(0);
  }
  buildHandlers(args.outdir).then(
    (reports) => {
      for (const report of reports) {
        console.log(`${report.file}  ${(report.bytes / 1024).toFixed(0)} KiB`);
      }
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
