// Reading a directory scan's files on a second thread while this one detects.
// Small files from the page cache cost the main thread an open, an fstat, a
// read and a close each (a tenth of a cold whole-repository scan), and
// asynchronous fs calls cost it more than that in callbacks. A reader thread
// instead reads batches of files ahead into one buffer each and posts them;
// the detector takes them with receiveMessageOnPort, synchronously, in order.
//
// The reader never holds up the detector: an entry that has not arrived yet is
// read here (and the reader skips past it), so a reader that starts late,
// falls behind or fails only costs the reads it duplicated. It stays at most
// AHEAD_BYTES ahead, so memory does not grow with the repository.
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import { type Source, type SourceEntry, WorktreeSource, readCapped } from "./source.js";

/** What reading one entry gave: bytes, a size larger than the cap (unread), or null (it vanished). */
export type Got = Uint8Array | number | null;

/** Below this many files a thread costs more than it saves (its start-up is a few tens of ms). */
export const READ_AHEAD_MIN_FILES = 256;
const BATCH_FILES = 64;
const BATCH_BYTES = 1 << 20;
const AHEAD_BYTES = 16 << 20;

// Control words shared with the reader (an Int32Array over a SharedArrayBuffer).
const POS = 0; // the entry the detector is at: the reader starts its next batch after it
const AHEAD = 1; // bytes posted and not yet taken
const STOP = 2; // set when the detector is done

interface Batch {
  from: number;
  /** Per entry: its length in `buf` (entries lie back to back), -1 when it could not be read, -2 when larger than the cap (size in `big`). */
  lens: number[];
  big: Record<number, number>;
  buf: ArrayBuffer;
  bytes: number;
}

// The reader, as CommonJS source for an `eval` worker: it must not load the
// bundle (start-up time), and it runs the same from the TypeScript sources.
const READER = `
const { closeSync, fstatSync, openSync, readSync } = require("node:fs");
const { workerData } = require("node:worker_threads");
const { root, paths, maxBytes, port, batchFiles, batchBytes, aheadBytes } = workerData;
const ctl = new Int32Array(workerData.ctl);
let next = 0;
for (;;) {
  if (Atomics.load(ctl, ${STOP}) !== 0) break;
  const ahead = Atomics.load(ctl, ${AHEAD});
  if (ahead > aheadBytes) { Atomics.wait(ctl, ${AHEAD}, ahead, 50); continue; }
  const from = Math.max(next, Atomics.load(ctl, ${POS}) + 1);
  if (from >= paths.length) break;
  const fds = [], sizes = [], lens = [], big = {};
  let total = 0, to = from;
  while (to < paths.length && to - from < batchFiles && total < batchBytes) {
    let fd = -1, size = 0;
    try {
      fd = openSync(root + "/" + paths[to], "r");
      size = fstatSync(fd).size;
    } catch {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    }
    if (fd >= 0 && size > maxBytes) { closeSync(fd); fd = -1; big[to - from] = size; }
    fds.push(fd); sizes.push(size);
    if (fd >= 0) total += size;
    to++;
  }
  // Files lie back to back: each starts where the one before ended.
  const buf = new Uint8Array(total);
  let off = 0;
  for (let k = 0; k < fds.length; k++) {
    const fd = fds[k];
    if (fd < 0) { lens.push(big[k] !== undefined ? -2 : -1); continue; }
    let got = 0;
    try {
      while (got < sizes[k]) {
        const n = readSync(fd, buf, off + got, sizes[k] - got, null);
        if (n === 0) break;
        got += n;
      }
      lens.push(got);
      off += got;
    } catch {
      lens.push(-1);
    }
    closeSync(fd);
  }
  Atomics.add(ctl, ${AHEAD}, total);
  port.postMessage({ from, lens, big, buf: buf.buffer, bytes: total }, [buf.buffer]);
  next = to;
}
port.close();
`;

/**
 * Reads the entries in order and calls `each` with what it got; entries with
 * a known size above `maxBytes` must already be left out. A worktree walk of
 * many files is read ahead on a thread; otherwise, or for the entries the
 * thread has not delivered yet, reading happens here.
 */
export function readEntries(source: Source, entries: readonly SourceEntry[], maxBytes: number, each: (index: number, got: Got) => void): void {
  const readHere = (e: SourceEntry): Got => (source instanceof WorktreeSource ? source.readCapped(e, maxBytes) : source.read(e));
  if (!(source instanceof WorktreeSource) || entries.length < READ_AHEAD_MIN_FILES) {
    entries.forEach((e, i) => each(i, readHere(e)));
    return;
  }
  const ctl = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  ctl[POS] = -1;
  const { port1, port2 } = new MessageChannel();
  let worker: Worker | null = null;
  try {
    worker = new Worker(READER, {
      eval: true,
      workerData: { root: source.root, paths: entries.map((e) => e.path), maxBytes, port: port2, ctl: ctl.buffer, batchFiles: BATCH_FILES, batchBytes: BATCH_BYTES, aheadBytes: AHEAD_BYTES },
      transferList: [port2],
    });
    worker.on("error", () => { /* the entries it did not deliver are read here */ });
    worker.unref();
  } catch {
    worker = null; // no thread (resource limits): read everything here
  }
  let batch: Batch | null = null, k = 0, off = 0;
  try {
    for (let i = 0; i < entries.length; i++) {
      Atomics.store(ctl, POS, i);
      // Drop what lies before i (read here already), then take i from the batch if it holds it.
      for (;;) {
        if (batch !== null && batch.from + k < i && k < batch.lens.length) { off += Math.max(0, batch.lens[k]!); k++; continue; }
        if (batch !== null && k < batch.lens.length) break;
        if (batch !== null) { Atomics.sub(ctl, AHEAD, batch.bytes); Atomics.notify(ctl, AHEAD); }
        batch = worker ? nextBatch(port1) : null;
        k = 0; off = 0;
        if (batch === null) break;
      }
      if (batch === null || batch.from + k > i) { each(i, readHere(entries[i]!)); continue; }
      const len = batch.lens[k]!;
      if (len >= 0) each(i, Buffer.from(batch.buf, off, len)); // a view, as readFileSync's Buffer
      else if (len === -2) { entries[i]!.size = batch.big[k]!; each(i, batch.big[k]!); }
      else each(i, null);
      off += Math.max(0, len);
      k++;
    }
  } finally {
    Atomics.store(ctl, STOP, 1);
    Atomics.store(ctl, AHEAD, 0);
    Atomics.notify(ctl, AHEAD);
    port1.close();
  }
}

function nextBatch(port: MessagePort): Batch | null {
  const m = receiveMessageOnPort(port);
  return m ? (m.message as Batch) : null;
}
