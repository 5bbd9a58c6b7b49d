import { readFileSync } from "node:fs";

interface SignVector {
  id: string;
  secret: string;
  msg_id: string;
  timestamp: number;
  payload: string;
  expected_signature: string;
}

interface VerifyCase {
  id: string;
  secret: string;
  msg_id?: string;
  timestamp?: number;
  payload?: string;
  webhook_signature_header?: string;
  expect: "valid" | "invalid" | "constructor error";
  rule?: string;
}

/** The official Standard Webhooks vectors, kept in the repository's sibling `shared/` folder. */
export const VECTORS = JSON.parse(
  readFileSync(new URL("../../../../shared/vectors/standard-webhooks.json", import.meta.url), "utf8"),
) as {
  official_sign_vectors: SignVector[];
  official_verify_cases: VerifyCase[];
  derived_vectors_not_in_repo: SignVector[];
};
