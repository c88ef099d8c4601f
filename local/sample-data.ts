// Sample raw hits for a run without --input, written by the training container's own simulator (the
// same code as `npm run generate-data`). The size is the one the default run is measured with (see
// local/README.md): large enough that the GRU beats the baselines, small enough for a few minutes here.
import { simulateHits } from "../training/generate-data/simulate";
import { writeHits } from "../training/generate-data/write";

export const SAMPLE_DATA = { users: 200, days: 120, seed: 1, startDate: "2024-01-01" } as const;

export async function generateSampleData(
  file: string,
  size: { users: number; days: number; seed?: number } = SAMPLE_DATA,
): Promise<number> {
  const hits = simulateHits({
    users: size.users,
    days: size.days,
    seed: size.seed ?? SAMPLE_DATA.seed,
    startDate: SAMPLE_DATA.startDate,
    malformed: 0,
  });
  await writeHits(file, hits, true);
  return hits.length;
}
