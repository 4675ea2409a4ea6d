// Whole-repository scans on several cores: the files are split by size over
// worker threads, each running the same pure detector (detectFile) on the files
// it reads itself. Results come back per file, in the order given, so the
// report is the same as a single-threaded run. Small scans (a pre-commit hook)
// never start a worker: a thread costs more than it saves below a few MB (the
// caller decides).
import { readFileSync } from "node:fs";
import path from "node:path";
import { Worker, parentPort, workerData } from "node:worker_threads";
import { type DetectEnv, type FileResult, detectFile } from "./detect.js";
import { detectEnv } from "./scan.js";
import { GitHistory } from "./history.js";
import type { AuditOptions, RepoFacts } from "./types.js";

export interface ParallelFile {
  path: string;
  size: number;
}

interface Job {
  root: string;
  files: string[];
  options: AuditOptions;
  repo: { hasFlake: boolean; secretsDirs: string[]; tracked: string[] | null };
  /** Look up whether leaked values were committed (the root is in a git repository). */
  history: boolean;
}

/** One result per file, or null when it could not be read (it vanished). */
type Results = (FileResult | null)[];

function envFor(job: Job): DetectEnv {
  const env = detectEnv([], job.options);
  const repo: RepoFacts = { hasFlake: job.repo.hasFlake, secretsDirs: job.repo.secretsDirs, tracked: job.repo.tracked ? new Set(job.repo.tracked) : null };
  env.repo = repo;
  if (job.history) {
    const h = new GitHistory(job.root);
    env.committed = (p, secrets) => h.committed(p, secrets);
  }
  return env;
}

function runJob(job: Job): Results {
  const env = envFor(job);
  return job.files.map((f) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(job.root, f));
    } catch {
      return null;
    }
    return detectFile(f, bytes, env);
  });
}

/** The body of a worker thread: detectParallel starts workers that import this module and call it. */
export function auditWorkerMain(): void {
  parentPort!.postMessage(runJob(workerData as Job));
}

/** Splits files into `n` groups of about equal bytes (largest first, each to the lightest group). */
export function partition(files: readonly ParallelFile[], n: number): number[][] {
  const groups = Array.from({ length: n }, () => ({ bytes: 0, idx: [] as number[] }));
  const order = files.map((f, i) => i).sort((a, b) => files[b]!.size - files[a]!.size);
  for (const i of order) {
    let g = groups[0]!;
    for (const h of groups) if (h.bytes < g.bytes) g = h;
    g.idx.push(i);
    g.bytes += files[i]!.size;
  }
  return groups.map((g) => g.idx.sort((a, b) => a - b));
}

/**
 * Detects the files on `threads` threads (this one included) and returns one
 * result per file, in order. The workers import this module by its URL, so it
 * must be loaded as JavaScript (the bundle loads it with a dynamic import,
 * which keeps the name auditWorkerMain).
 */
export async function detectParallel(root: string, files: readonly ParallelFile[], env: DetectEnv, options: AuditOptions, threads: number): Promise<Results> {
  const workerModule = import.meta.url;
  const groups = partition(files, threads);
  const tracked = env.repo.tracked;
  const out: Results = new Array(files.length).fill(null);
  const started = groups.slice(1).map((g) => {
    const paths = g.map((i) => files[i]!.path);
    const job: Job = { root, files: paths, options, repo: { hasFlake: env.repo.hasFlake, secretsDirs: env.repo.secretsDirs, tracked: tracked ? paths.filter((p) => tracked.has(p)) : null }, history: env.committed !== undefined };
    const w = new Worker(`import(${JSON.stringify(workerModule)}).then((m) => m.auditWorkerMain());`, { eval: true, workerData: job });
    return new Promise<void>((resolve, reject) => {
      w.once("message", (r: Results) => {
        g.forEach((i, k) => { out[i] = r[k] ?? null; });
        resolve();
      });
      w.once("error", reject);
      w.once("exit", (code) => { if (code !== 0) reject(new Error(`audit worker exited with ${code}`)); });
    });
  });
  // This thread takes the first group meanwhile.
  const mine = groups[0]!;
  mine.forEach((i) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(root, files[i]!.path));
    } catch {
      return;
    }
    out[i] = detectFile(files[i]!.path, bytes, env);
  });
  await Promise.all(started);
  return out;
}
