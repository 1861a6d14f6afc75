// @ts-check
// Posts the Terraform plan to the pull request as one collapsed comment, and updates that same
// comment on every push instead of adding another. Run by actions/github-script:
//
//   const comment = require("./scripts/ci/plan-comment.js");
//   await comment({ github, context, core });
//
// Environment: PLAN_FILE (the plan as text; missing when no plan was made), PLAN_ENVIRONMENT
// (e.g. production), PLAN_RESULT (the plan job's result: success, failure, cancelled, skipped).
"use strict";
const fs = require("node:fs");

/** Finds this workflow's comment among the pull request's comments. */
const MARKER = "<!-- call-recorder:terraform-plan -->";
/** GitHub refuses comments over 65,536 characters; the plan gets this much of them. */
const MAX_PLAN_CHARS = 60000;

/** The plan's one-line verdict, e.g. "Plan: 3 to add, 0 to change, 0 to destroy." */
function planSummary(plan) {
  const line = plan.split("\n").find((l) => /^(Plan: |No changes\.|Changes to Outputs:)/.test(l));
  return line ? line.trim() : "see the plan";
}

/** A fence longer than any run of backticks in the text, so the plan cannot close it. */
function fenceFor(text) {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return "`".repeat(longest + 1);
}

/**
 * The comment's body.
 * @param {{ environment: string, plan: string | undefined, result: string, sha: string, runUrl: string }} input
 */
function renderPlanComment({ environment, plan, result, sha, runUrl }) {
  const footer = `Commit ${sha.slice(0, 7)}, [workflow run](${runUrl}). After merge, main plans again and applies once a reviewer approves the \`${environment}\` environment.`;
  if (plan === undefined || result !== "success") {
    return [
      MARKER,
      `#### Terraform plan for \`${environment}\`: no plan (${result})`,
      "",
      "The tests or the plan failed, or the run was cancelled; the workflow run's log says why.",
      "",
      footer,
    ].join("\n");
  }
  let shown = plan;
  let note = "";
  if (plan.length > MAX_PLAN_CHARS) {
    shown = plan.slice(0, MAX_PLAN_CHARS);
    note = `\n_Truncated: ${plan.length - MAX_PLAN_CHARS} more characters. The whole plan is in the run's artefact and job summary._\n`;
  }
  const fence = fenceFor(shown);
  return [
    MARKER,
    `#### Terraform plan for \`${environment}\`: ${planSummary(plan)}`,
    "",
    "<details><summary>Show the plan</summary>",
    "",
    `${fence}text`,
    shown.replace(/\s+$/, ""),
    fence,
    note,
    "</details>",
    "",
    footer,
  ].join("\n");
}

/** Creates the comment, or updates the one a previous push created. */
async function upsertPlanComment({ github, context, core }) {
  const environment = process.env.PLAN_ENVIRONMENT || "production";
  const planFile = process.env.PLAN_FILE || "";
  const plan = planFile && fs.existsSync(planFile) ? fs.readFileSync(planFile, "utf8") : undefined;
  const pr = context.payload.pull_request;
  if (!pr) {
    core.info("Not a pull request: nothing to comment on.");
    return;
  }
  const body = renderPlanComment({
    environment,
    plan,
    result: process.env.PLAN_RESULT || (plan === undefined ? "failure" : "success"),
    sha: pr.head.sha,
    runUrl: `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`,
  });
  const { owner, repo } = context.repo;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: pr.number,
    per_page: 100,
  });
  const previous = comments.find((c) => c.user?.type === "Bot" && typeof c.body === "string" && c.body.startsWith(MARKER));
  if (previous) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
    core.info(`Updated plan comment ${previous.html_url}`);
  } else {
    const created = await github.rest.issues.createComment({ owner, repo, issue_number: pr.number, body });
    core.info(`Created plan comment ${created.data.html_url}`);
  }
}

module.exports = upsertPlanComment;
module.exports.upsertPlanComment = upsertPlanComment;
module.exports.renderPlanComment = renderPlanComment;
module.exports.MARKER = MARKER;
module.exports.MAX_PLAN_CHARS = MAX_PLAN_CHARS;
