// Relative links in the project's Markdown: each must name a file or directory of the repository, and an
// anchor (#section) must name a heading of the target, as GitHub renders it. Links to the web are not
// followed (the tests are offline).
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export interface MarkdownLink {
  /** 1-based line of the link in its file. */
  readonly line: number;
  readonly target: string;
}

/** Fenced code blocks and inline code spans hold examples, not links: blanked, keeping the line numbers. */
function withoutCode(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, " "))
    .replace(/`[^`\n]*`/g, (span) => " ".repeat(span.length));
}

/** Inline links and images `[text](target "title")` and reference definitions `[name]: target`. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  withoutCode(markdown)
    .split("\n")
    .forEach((text, index) => {
      for (const match of text.matchAll(/\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) {
        links.push({ line: index + 1, target: match[1] ?? "" });
      }
      const definition = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(text);
      if (definition) links.push({ line: index + 1, target: definition[1] ?? "" });
    });
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of withoutCodeBlocks(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = (heading ?? "")
      .replace(/<[^>]+>/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** The broken relative links of one Markdown file, as `file:line: target (why)`. */
export function brokenLinks(file: string, root: string): string[] {
  const markdown = readFileSync(file, "utf8");
  const where = (link: MarkdownLink) => `${relative(root, file)}:${link.line}: ${link.target}`;
  return markdownLinks(markdown).flatMap((link) => {
    if (EXTERNAL.test(link.target)) return [];
    const [pathPart = "", anchor] = link.target.split("#", 2);
    const path = decodeURIComponent(pathPart);
    const target = path === "" ? file : join(path.startsWith("/") ? root : dirname(file), path);
    if (!existsSync(target)) return [`${where(link)} (no such file)`];
    if (relative(root, target).startsWith("..")) return [`${where(link)} (outside the repository)`];
    if (anchor === undefined || anchor === "" || statSync(target).isDirectory()) return [];
    if (!target.endsWith(".md")) return [];
    return headingAnchors(readFileSync(target, "utf8")).has(decodeURIComponent(anchor).toLowerCase())
      ? []
      : [`${where(link)} (no heading #${anchor} in ${relative(root, target)})`];
  });
}
