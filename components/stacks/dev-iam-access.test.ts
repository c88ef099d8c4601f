// The IAM access table (iam-access-table.ts) against the dev stack's deployed role policies.
import { describeAccessTable } from "../../test-support/iam-access";

describeAccessTable("dev");
