// SageMaker processing and training jobs (`.sync`) as child processes. A job runs the container's entry
// point in `<workdir>/jobs/<job-name>/`, laid out like /opt/ml: inputs are placed (hard-linked, read in
// place; copied and removed at the end only where linking is impossible) from the local S3 directory as
// S3Input / InputDataConfig say, outputs placed per ProcessingOutputConfig /
// OutputDataConfig, the model directory packed as `<S3OutputPath>/<TrainingJobName>/output/model.tar.gz`.
// The result has the shape of DescribeProcessingJob / DescribeTrainingJob. A failed job fails the Task as
// Step Functions does: `States.TaskFailed`, with the Describe* response (and its FailureReason) as cause.
import { recordJobProcesses } from "./job-processes";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join, posix } from "node:path";
import { create as createTar } from "tar";
import { arn } from "../components/asl/iam";
import { ML_ROOT, MODEL_ARCHIVE, SAGEMAKER_LAYOUT } from "../contracts/container";
import { SAGEMAKER_NAME } from "../contracts/sagemaker-names";
import { joinS3Uri } from "../handlers/s3-uri";
import { entryPointArguments, runContainer, type ContainerCommand, type LogRecord } from "./container";
import { LOCAL_AWS } from "./endpoint-registry";
import { SageMakerResourceInUse, SageMakerValidationError, TaskFailed } from "./errors";
import { createJsonFile, isErrno, replaceJsonFile } from "./json-files";
import { downloadS3Prefix, listFiles, uploadDirectory, uploadFile } from "./s3-transfer";

type Tags = { Key: string; Value: string }[];

export interface CreateProcessingJobRequest {
  ProcessingJobName: string;
  RoleArn?: string;
  AppSpecification: { ImageUri: string; ContainerEntrypoint?: string[]; ContainerArguments?: string[] };
  ProcessingInputs?: {
    InputName: string;
    S3Input?: { S3Uri: string; LocalPath: string; S3DataType?: string; S3InputMode?: string };
  }[];
  ProcessingOutputConfig?: {
    Outputs: { OutputName: string; S3Output?: { S3Uri: string; LocalPath: string; S3UploadMode?: string } }[];
    KmsKeyId?: string;
  };
  ProcessingResources?: Record<string, unknown>;
  StoppingCondition?: { MaxRuntimeInSeconds?: number };
  Environment?: Record<string, string>;
  Tags?: Tags;
}

export interface CreateTrainingJobRequest {
  TrainingJobName: string;
  RoleArn?: string;
  AlgorithmSpecification: {
    TrainingImage: string;
    TrainingInputMode?: string;
    ContainerEntrypoint?: string[];
    ContainerArguments?: string[];
    MetricDefinitions?: { Name: string; Regex: string }[];
  };
  HyperParameters?: Record<string, string>;
  InputDataConfig?: {
    ChannelName: string;
    InputMode?: string;
    ContentType?: string;
    DataSource: { S3DataSource?: { S3Uri: string; S3DataType?: string; S3DataDistributionType?: string } };
  }[];
  OutputDataConfig: { S3OutputPath: string; KmsKeyId?: string };
  ResourceConfig?: Record<string, unknown>;
  StoppingCondition?: { MaxRuntimeInSeconds?: number };
  Environment?: Record<string, string>;
  Tags?: Tags;
}

export type JobStatus = "InProgress" | "Completed" | "Failed" | "Stopped";

export interface DescribeProcessingJobResponse extends Omit<CreateProcessingJobRequest, "Tags"> {
  ProcessingJobArn: string;
  ProcessingJobStatus: JobStatus;
  FailureReason?: string;
  ExitMessage?: string;
  CreationTime: number;
  ProcessingStartTime: number;
  ProcessingEndTime?: number;
  LastModifiedTime: number;
}

export interface DescribeTrainingJobResponse extends Omit<CreateTrainingJobRequest, "Tags"> {
  TrainingJobArn: string;
  TrainingJobStatus: JobStatus;
  SecondaryStatus: string;
  FailureReason?: string;
  ModelArtifacts: { S3ModelArtifacts: string };
  FinalMetricDataList: { MetricName: string; Value: number; Timestamp: number }[];
  CreationTime: number;
  TrainingStartTime: number;
  TrainingEndTime?: number;
  LastModifiedTime: number;
  TrainingTimeInSeconds?: number;
  BillableTimeInSeconds?: number;
}

export interface JobProgress {
  jobName: string;
  kind: "processing" | "training";
  record: LogRecord;
}

/** What a job cost locally: wall time and the container process's peak RSS (from its last log line). */
export interface JobCost {
  jobName: string;
  kind: "processing" | "training";
  wallSeconds: number;
  /** null when the container ended without logging it (killed, crashed). */
  peakRssMb: number | null;
}

/** The training job's figures for summary.json (from train's "training done" log line). */
export interface TrainingCost {
  samplesPerSecond: number;
  epochs: number;
  backend: string;
  seconds: number;
}

export interface SageMakerJobsOptions {
  /** Job directories are created under `<jobsRoot>/<job-name>/`. */
  jobsRoot: string;
  /** The local S3 root: `s3://<bucket>/<key>` is `<s3Root>/<bucket>/<key>`. */
  s3Root: string;
  container: ContainerCommand;
  /** Extra environment for every job (e.g. the TF.js backend); the job's Environment wins. */
  environment?: Record<string, string>;
  onProgress?: (progress: JobProgress) => void;
  signal?: AbortSignal;
}

const STOPPED = "Stopped:";

/** `/opt/ml/processing/input/x` → `<jobDir>/processing/input/x`; other paths are refused, as SageMaker does. */
export function jobPath(jobDir: string, containerPath: string): string {
  const normalised = posix.normalize(containerPath);
  if (normalised !== ML_ROOT && !normalised.startsWith(`${ML_ROOT}/`)) {
    throw new SageMakerValidationError(`LocalPath "${containerPath}" must be under ${ML_ROOT}/.`);
  }
  return join(jobDir, ...normalised.slice(ML_ROOT.length).split("/").filter(Boolean));
}

function jobArn(kind: "processing-job" | "training-job", name: string): string {
  return arn(LOCAL_AWS, "sagemaker", `${kind}/${name.toLowerCase()}`);
}

export class LocalSageMakerJobs {
  /** Every job run so far, in order. */
  readonly costs: JobCost[] = [];
  /** The last training job's figures, once one has logged them. */
  training: TrainingCost | null = null;

  /** The jobs that have not yet written their final record. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly options: SageMakerJobsOptions) {}

  runProcessingJob(request: CreateProcessingJobRequest): Promise<DescribeProcessingJobResponse> {
    return this.tracked(this.processingJob(request));
  }

  runTrainingJob(request: CreateTrainingJobRequest): Promise<DescribeTrainingJobResponse> {
    return this.tracked(this.trainingJob(request));
  }

  /**
   * Resolves once every job started so far has ended and written its final record (Completed, Failed or
   * Stopped). An aborted execution ends at once, without waiting for its Tasks: the runner waits here, so
   * that no job is left InProgress in `job.json` when the run's process exits.
   */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private tracked<T>(job: Promise<T>): Promise<T> {
    this.running.add(job);
    const forget = () => this.running.delete(job);
    job.then(forget, forget);
    return job;
  }

  private async processingJob(request: CreateProcessingJobRequest): Promise<DescribeProcessingJobResponse> {
    const jobDir = await this.createJobDirectory("processing", request.ProcessingJobName);
    const started = Date.now();
    const { Tags: _tags, ...spec } = request;
    const describe = (status: JobStatus, extra: Partial<DescribeProcessingJobResponse> = {}) => ({
      ...spec,
      ProcessingJobArn: jobArn("processing-job", request.ProcessingJobName),
      ProcessingJobStatus: status,
      CreationTime: started,
      ProcessingStartTime: started,
      LastModifiedTime: Date.now(),
      ...(status === "InProgress" ? {} : { ProcessingEndTime: Date.now() }),
      ...extra,
    });
    // Inputs that could not be linked in place are copies: removed when the job ends, whatever its end.
    const copies: string[] = [];
    const { fail, complete } = await jobRecord(jobDir, describe, copies);

    for (const input of request.ProcessingInputs ?? []) {
      if (!input.S3Input) return fail(`ClientError: input "${input.InputName}" has no S3Input.`);
      const placed = await downloadS3Prefix(
        this.options.s3Root,
        input.S3Input.S3Uri,
        jobPath(jobDir, input.S3Input.LocalPath),
      );
      copies.push(...placed.copied);
      if (placed.files === 0) return fail(noObjectsReason(input.S3Input.S3Uri));
    }
    const outputs = request.ProcessingOutputConfig?.Outputs ?? [];
    for (const output of outputs) {
      if (output.S3Output) await mkdir(jobPath(jobDir, output.S3Output.LocalPath), { recursive: true });
    }

    const args = entryPointArguments(
      request.AppSpecification.ContainerEntrypoint,
      request.AppSpecification.ContainerArguments ?? [],
    );
    const failure = await this.run(jobDir, "processing", request.ProcessingJobName, args, {
      environment: request.Environment ?? {},
      maxRuntimeSeconds: request.StoppingCondition?.MaxRuntimeInSeconds,
    });
    if (failure !== null) return fail(failure);

    try {
      for (const output of outputs) {
        if (!output.S3Output) continue;
        await uploadDirectory(
          this.options.s3Root,
          jobPath(jobDir, output.S3Output.LocalPath),
          output.S3Output.S3Uri,
        );
      }
    } catch (error) {
      return fail(`ClientError: uploading the outputs failed: ${(error as Error).message}`);
    }
    return complete();
  }

  private async trainingJob(request: CreateTrainingJobRequest): Promise<DescribeTrainingJobResponse> {
    const name = request.TrainingJobName;
    const jobDir = await this.createJobDirectory("training", name);
    const started = Date.now();
    const modelArtifacts = joinS3Uri(request.OutputDataConfig.S3OutputPath, name, "output", MODEL_ARCHIVE);
    const metrics = new Map<string, { MetricName: string; Value: number; Timestamp: number }>();
    const { Tags: _tags, ...spec } = request;
    const describe = (status: JobStatus, extra: Partial<DescribeTrainingJobResponse> = {}) => {
      const ended = Date.now();
      const seconds = Math.max(1, Math.round((ended - started) / 1000));
      return {
        ...spec,
        TrainingJobArn: jobArn("training-job", name),
        TrainingJobStatus: status,
        SecondaryStatus: status === "InProgress" ? "Training" : status,
        ModelArtifacts: { S3ModelArtifacts: modelArtifacts },
        FinalMetricDataList: [...metrics.values()],
        CreationTime: started,
        TrainingStartTime: started,
        LastModifiedTime: ended,
        ...(status === "InProgress"
          ? {}
          : { TrainingEndTime: ended, TrainingTimeInSeconds: seconds, BillableTimeInSeconds: seconds }),
        ...extra,
      };
    };
    // Inputs that could not be linked in place are copies: removed when the job ends, whatever its end.
    const copies: string[] = [];
    const { fail, complete } = await jobRecord(jobDir, describe, copies);

    const config = join(jobDir, "input", "config");
    await mkdir(config, { recursive: true });
    await replaceJsonFile(join(jobDir, SAGEMAKER_LAYOUT.hyperparameters), request.HyperParameters ?? {});
    await replaceJsonFile(
      join(config, "inputdataconfig.json"),
      Object.fromEntries(
        (request.InputDataConfig ?? []).map((channel) => [
          channel.ChannelName,
          { TrainingInputMode: channel.InputMode ?? "File", ContentType: channel.ContentType },
        ]),
      ),
    );
    await replaceJsonFile(join(config, "resourceconfig.json"), {
      current_host: "algo-1",
      hosts: ["algo-1"],
      ...request.ResourceConfig,
    });
    for (const channel of request.InputDataConfig ?? []) {
      const source = channel.DataSource.S3DataSource;
      if (!source) return fail(`ClientError: channel "${channel.ChannelName}" has no S3DataSource.`);
      const placed = await downloadS3Prefix(
        this.options.s3Root,
        source.S3Uri,
        join(jobDir, SAGEMAKER_LAYOUT.channels, channel.ChannelName),
      );
      copies.push(...placed.copied);
      if (placed.files === 0) return fail(noObjectsReason(source.S3Uri));
    }
    await mkdir(join(jobDir, SAGEMAKER_LAYOUT.modelDir), { recursive: true });
    await mkdir(join(jobDir, "output", "data"), { recursive: true });

    const metricDefinitions = (request.AlgorithmSpecification.MetricDefinitions ?? []).map((metric) => ({
      name: metric.Name,
      regex: new RegExp(metric.Regex),
    }));
    const args = entryPointArguments(
      request.AlgorithmSpecification.ContainerEntrypoint,
      request.AlgorithmSpecification.ContainerArguments ?? ["train"],
    );
    const failure = await this.run(jobDir, "training", name, args, {
      environment: { ...request.Environment, TRAINING_JOB_NAME: name },
      maxRuntimeSeconds: request.StoppingCondition?.MaxRuntimeInSeconds,
      onLine: (line) => {
        for (const metric of metricDefinitions) {
          const value = Number(metric.regex.exec(line)?.[1]);
          if (Number.isFinite(value)) {
            metrics.set(metric.name, { MetricName: metric.name, Value: value, Timestamp: Date.now() });
          }
        }
      },
    });
    if (failure !== null) return fail(failure);

    try {
      const packed = join(jobDir, "packed");
      await mkdir(packed, { recursive: true });
      await packDirectory(join(jobDir, SAGEMAKER_LAYOUT.modelDir), join(packed, MODEL_ARCHIVE));
      await uploadFile(this.options.s3Root, join(packed, MODEL_ARCHIVE), modelArtifacts);
      if ((await listFiles(join(jobDir, "output", "data"))).length > 0) {
        await packDirectory(join(jobDir, "output", "data"), join(packed, "output.tar.gz"));
        await uploadFile(
          this.options.s3Root,
          join(packed, "output.tar.gz"),
          joinS3Uri(request.OutputDataConfig.S3OutputPath, name, "output", "output.tar.gz"),
        );
      }
    } catch (error) {
      return fail(`ClientError: uploading the model failed: ${(error as Error).message}`);
    }
    return complete();
  }

  /** Creates the job's directory; a job name that exists fails (SageMaker's rule, so nothing is overwritten). */
  private async createJobDirectory(kind: "processing" | "training", name: string): Promise<string> {
    if (typeof name !== "string" || !SAGEMAKER_NAME.test(name)) {
      throw new SageMakerValidationError(
        `Invalid ${kind} job name "${String(name)}": use 1-63 letters, digits or hyphens.`,
      );
    }
    const jobDir = join(this.options.jobsRoot, name);
    await mkdir(this.options.jobsRoot, { recursive: true });
    try {
      await mkdir(jobDir);
    } catch (error) {
      if (isErrno(error, "EEXIST")) {
        throw new SageMakerResourceInUse(
          `A ${kind} job named "${name}" already exists (${jobDir}); job names must be unique, choose ` +
            "another execution name or job name.",
        );
      }
      throw error;
    }
    recordJobProcesses(jobDir, null);
    await mkdir(join(jobDir, "output"), { recursive: true });
    await createJsonFile(join(jobDir, "kind.json"), { kind });
    return jobDir;
  }

  /** Runs the container; returns null on success, else the FailureReason. */
  private async run(
    jobDir: string,
    kind: "processing" | "training",
    jobName: string,
    args: string[],
    options: {
      environment: Record<string, string>;
      maxRuntimeSeconds?: number;
      onLine?: (line: string) => void;
    },
  ): Promise<string | null> {
    const started = Date.now();
    let peakRssMb: number | null = null;
    const exit = await runContainer({
      container: this.options.container,
      args,
      mlRoot: jobDir,
      environment: { ...this.options.environment, ...options.environment },
      logFile: join(jobDir, "logs.txt"),
      maxRuntimeSeconds: options.maxRuntimeSeconds,
      onLine: options.onLine,
      onSpawn: (pid) => recordJobProcesses(jobDir, pid),
      onLogRecord: (record) => {
        if (typeof record["peakRssMb"] === "number") peakRssMb = record["peakRssMb"];
        if (kind === "training") this.training = trainingCost(record) ?? this.training;
        this.options.onProgress?.({ jobName, kind, record });
      },
      signal: this.options.signal,
    });
    this.costs.push({ jobName, kind, wallSeconds: (Date.now() - started) / 1000, peakRssMb });
    // A signal sent to the whole process group reaches the job before the run's abort does: give the
    // abort a moment, so that the job is recorded as Stopped, not as a failure of its own.
    if (exit.signal !== null && !exit.aborted) await new Promise((done) => setTimeout(done, 200));
    if (exit.aborted || this.options.signal?.aborted) return `${STOPPED} the execution was aborted.`;
    if (exit.timedOut) {
      return `MaxRuntimeExceeded: the job ran longer than its MaxRuntimeInSeconds (${options.maxRuntimeSeconds}).`;
    }
    if (exit.exitCode === 0) return null;
    const reason = await readFailure(jobDir);
    const status = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
    return `AlgorithmError: ${reason ?? `the container ${status}; see ${join(jobDir, "logs.txt")}`}`;
  }
}

function trainingCost(record: LogRecord): TrainingCost | null {
  const { samples_per_sec: samplesPerSecond, epochs, backend, seconds } = record;
  if (record["msg"] !== "training done" || typeof samplesPerSecond !== "number") return null;
  return {
    samplesPerSecond,
    epochs: typeof epochs === "number" ? epochs : 0,
    backend: typeof backend === "string" ? backend : "unknown",
    seconds: typeof seconds === "number" ? seconds : 0,
  };
}

/**
 * The job's Describe* response in `job.json`: InProgress now, then Completed, or Failed (Stopped when the
 * execution was aborted, as Step Functions stops a job it no longer waits for) with `fail` throwing the
 * `States.TaskFailed` that the Task reports. Either end removes the job's `copies`.
 */
async function jobRecord<D>(
  jobDir: string,
  describe: (status: JobStatus, extra?: { FailureReason?: string }) => D,
  copies: readonly string[],
) {
  const path = join(jobDir, "job.json");
  await replaceJsonFile(path, describe("InProgress"));
  const removeCopies = () => Promise.all(copies.map((copy) => rm(copy, { force: true })));
  return {
    async complete(): Promise<D> {
      await removeCopies();
      const completed = describe("Completed");
      await replaceJsonFile(path, completed);
      return completed;
    },
    async fail(reason: string): Promise<never> {
      await removeCopies();
      const failed = describe(reason.startsWith(STOPPED) ? "Stopped" : "Failed", { FailureReason: reason });
      await replaceJsonFile(path, failed);
      throw new TaskFailed(JSON.stringify(failed));
    },
  };
}

/**
 * The reason an entry point wrote to `$ML_ROOT/output/failure` (training jobs' FailureReason), else to
 * `$ML_ROOT/output/message` (processing jobs' ExitMessage), if any.
 */
async function readFailure(jobDir: string): Promise<string | null> {
  for (const file of [SAGEMAKER_LAYOUT.failureFile, SAGEMAKER_LAYOUT.processingMessageFile]) {
    try {
      const text = (await readFile(join(jobDir, file), "utf8")).trim();
      if (text !== "") return text;
    } catch (error) {
      if (!isErrno(error, "ENOENT")) throw error;
    }
  }
  return null;
}

function noObjectsReason(uri: string): string {
  return `ClientError: No S3 objects found under S3 URL "${uri}" given in input data source. Ensure that the objects exist under that S3 prefix.`;
}

/** Packs the directory's contents (not the directory itself) as SageMaker packs /opt/ml/model. */
export async function packDirectory(directory: string, tarball: string): Promise<void> {
  await rm(tarball, { force: true });
  const entries = await listFiles(directory);
  if (entries.length === 0) throw new Error(`${directory} is empty: the entry point wrote no model.`);
  await createTar({ gzip: true, file: tarball, cwd: directory, portable: true }, entries);
}
