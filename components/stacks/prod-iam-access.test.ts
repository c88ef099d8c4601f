// The IAM access table (iam-access-table.ts) against the prod stack's deployed role policies.
import { describeAccessTable } from "../../test-support/iam-access";

describeAccessTable("prod");
