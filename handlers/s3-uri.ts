// S3 URIs: parsing, joining and the local mapping `s3://<bucket>/<key>` → `<root>/<bucket>/<key>`.
// Pure (node:path only), shared by the handlers, the local implementations and the local runner.
import { join, resolve, sep } from "node:path";
import { InvalidS3Uri } from "./errors";

export interface S3Location {
  readonly bucket: string;
  /** The key without a leading slash; empty for the bucket itself, ends with `/` for a prefix. */
  readonly key: string;
}

// S3 bucket naming rules: 3-63 characters, lowercase letters, digits, dots and hyphens, starting and
// ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses `s3://<bucket>/<key>`. Throws `InvalidS3Uri` naming the URI and the rule it breaks. Key segments
 * `.` and `..` and empty segments (`a//b`) are refused: they would escape or alias paths in the local
 * directory store, and no object of this pipeline needs them.
 */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/s.exec(uri);
  if (!match) {
    throw new InvalidS3Uri(`"${uri}" is not an S3 URI: expected s3://<bucket>/<key>.`);
  }
  const bucket = match[1] ?? "";
  const key = match[2] ?? "";
  if (!BUCKET.test(bucket)) {
    throw new InvalidS3Uri(
      `"${uri}" has an invalid bucket name "${bucket}": use 3-63 lowercase letters, digits, dots or hyphens.`,
    );
  }
  const segments = key.split("/");
  const inner = key.endsWith("/") ? segments.slice(0, -1) : segments;
  if (key !== "" && inner.some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw new InvalidS3Uri(`"${uri}" has an empty, "." or ".." path segment in its key "${key}".`);
  }
  if ([...key].some((char) => char === "\\" || char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) {
    throw new InvalidS3Uri(`"${uri}" has a control character or backslash in its key.`);
  }
  return { bucket, key };
}

/** Parses an object URI: as `parseS3Uri`, and the key must name an object (non-empty, no trailing `/`). */
export function parseS3ObjectUri(uri: string): S3Location {
  const location = parseS3Uri(uri);
  if (location.key === "" || location.key.endsWith("/")) {
    throw new InvalidS3Uri(`"${uri}" names a bucket or prefix, not an object: add the object's key.`);
  }
  return location;
}

export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/** `s3://b/prefix` or `s3://b/prefix/` joined with `a`, `b.csv` → `s3://b/prefix/a/b.csv`. */
export function joinS3Uri(prefix: string, ...parts: string[]): string {
  const { bucket, key } = parseS3Uri(prefix);
  const base = key.replace(/\/+$/, "");
  const joined = [base, ...parts].filter((part) => part !== "").join("/");
  return formatS3Uri(parseS3Uri(`s3://${bucket}/${joined}`));
}

/** The local file of an S3 URI: `s3://<bucket>/<key>` → `<root>/<bucket>/<key>` (never outside root). */
export function localPathForS3Uri(root: string, uri: string): string {
  const { bucket, key } = parseS3Uri(uri);
  const base = resolve(root);
  const path = resolve(join(base, bucket, ...key.split("/").filter((segment) => segment !== "")));
  if (!path.startsWith(base + sep)) {
    throw new InvalidS3Uri(`"${uri}" maps outside the local S3 root ${base}.`);
  }
  return path;
}
