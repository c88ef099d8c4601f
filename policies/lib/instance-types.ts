// Finds `instanceType` inputs anywhere in a resource's inputs (notebook instances, apps, domains...).
import { isRecord } from "./json";

export interface FoundInstanceType {
  path: string;
  instanceType: string;
}

export function deepInstanceTypes(value: unknown, path = ""): FoundInstanceType[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => deepInstanceTypes(item, `${path}[${index}]`));
  }
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const at = path === "" ? key : `${path}.${key}`;
    if (key === "instanceType" && typeof item === "string") return [{ path: at, instanceType: item }];
    return deepInstanceTypes(item, at);
  });
}
