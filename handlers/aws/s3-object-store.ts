// ObjectStore on S3. Writes are conditional (`IfNoneMatch: "*"`): S3 answers 412 PreconditionFailed
// when the key exists, atomically, so a snapshot is never overwritten even by a concurrent writer.
// Note: S3 reports a missing key as NoSuchKey / NotFound only to a caller with s3:ListBucket on the
// bucket; without it the answer is AccessDenied, which propagates as a final error.
import type { ColumnSumsSpec } from "../csv-column-sums";
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { base64ToHex, digestChunks } from "../digest";
import { ObjectNotFound } from "../errors";
import type { ObjectDigest, ObjectInfo, ObjectStore, WriteOutcome } from "../ports";
import { once } from "../runtime";
import { parseS3ObjectUri } from "../s3-uri";

function errorNamed(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** A full-object SHA-256 only: a composite checksum of a multipart upload ("…-N") is not the file's. */
function fullObjectSha256(checksum: string | undefined, checksumType: string | undefined): string | null {
  if (checksum === undefined || checksumType === "COMPOSITE" || checksum.includes("-")) return null;
  return base64ToHex(checksum);
}

export class S3ObjectStore implements ObjectStore {
  constructor(private readonly client: S3Client) {}

  private async body(uri: string): Promise<AsyncIterable<Uint8Array>> {
    const { bucket, key } = parseS3ObjectUri(uri);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!isAsyncIterable(response.Body)) {
        throw new Error(`S3 GetObject of ${uri} returned no readable body.`);
      }
      return response.Body;
    } catch (error) {
      if (errorNamed(error, "NoSuchKey", "NotFound")) throw new ObjectNotFound(`${uri} does not exist.`);
      throw error;
    }
  }

  async getBytes(uri: string): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    for await (const chunk of await this.body(uri)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  async getText(uri: string): Promise<string> {
    return (await this.getBytes(uri)).toString("utf8");
  }

  async head(uri: string): Promise<ObjectInfo | null> {
    const { bucket, key } = parseS3ObjectUri(uri);
    try {
      const response = await this.client.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
      );
      return {
        sizeBytes: response.ContentLength ?? 0,
        sha256: fullObjectSha256(response.ChecksumSHA256, response.ChecksumType),
      };
    } catch (error) {
      if (errorNamed(error, "NotFound", "NoSuchKey")) return null;
      throw error;
    }
  }

  async digest(uri: string, sums?: ColumnSumsSpec): Promise<ObjectDigest> {
    return digestChunks(await this.body(uri), sums);
  }

  async copyIfAbsent(source: string, target: string): Promise<WriteOutcome> {
    const from = parseS3ObjectUri(source);
    const to = parseS3ObjectUri(target);
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: to.bucket,
          Key: to.key,
          CopySource: `${from.bucket}/${from.key.split("/").map(encodeURIComponent).join("/")}`,
          IfNoneMatch: "*",
          // S3 computes the copy's SHA-256 from the bytes it wrote; head() returns it for verification.
          ChecksumAlgorithm: "SHA256",
        }),
      );
      return "written";
    } catch (error) {
      if (errorNamed(error, "PreconditionFailed")) return "exists";
      if (errorNamed(error, "NoSuchKey", "NotFound")) throw new ObjectNotFound(`${source} does not exist.`);
      throw error;
    }
  }

  async putIfAbsent(uri: string, body: string): Promise<WriteOutcome> {
    const { bucket, key } = parseS3ObjectUri(uri);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          IfNoneMatch: "*",
          ChecksumAlgorithm: "SHA256",
        }),
      );
      return "written";
    } catch (error) {
      if (errorNamed(error, "PreconditionFailed")) return "exists";
      throw error;
    }
  }
}

/** The container's S3 store: one client per container, region from AWS_REGION. */
export const s3ObjectStore = once(() => new S3ObjectStore(new S3Client({ region: process.env.AWS_REGION })));
