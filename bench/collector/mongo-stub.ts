/**
 * A MongoDB-wire server that stores nothing: it acknowledges every write at
 * once and answers every read with an empty result. With `--storage=stub`
 * the benchmark points the collector at it to measure the collector's own
 * ceiling on this machine, free of any database cost. It is not a database
 * and proves nothing about durability; it only counts what it was sent.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { BSON, Long, type Document } from 'bson';
import { LOOPBACK } from '@crashstats/testkit';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const HEADER_BYTES = 16;
const CHECKSUM_PRESENT = 1;

/** What the stub was asked to store. */
export interface StubCounts {
  /** `_id`s of the raw crash documents inserted. */
  rawCrashIds: Set<string>;
  /** Documents inserted into any collection. */
  insertedDocuments: number;
  /** Update commands received. */
  updates: number;
}

/** A started stub server. */
export interface MongoStub {
  url: string;
  counts: StubCounts;
  close(): Promise<void>;
}

function readCString(buf: Buffer, at: number): [string, number] {
  const end = buf.indexOf(0, at);
  return [buf.toString('utf8', at, end), end + 1];
}

/** One parsed OP_MSG or OP_QUERY command. */
interface Command {
  body: Document;
  /** Document sequences (kind 1 sections), left as raw BSON. */
  sequences: Map<string, Buffer[]>;
}

function parseOpMsg(message: Buffer): Command {
  const flags = message.readUInt32LE(HEADER_BYTES);
  const end = message.length - ((flags & CHECKSUM_PRESENT) !== 0 ? 4 : 0);
  let at = HEADER_BYTES + 4;
  let body: Document = {};
  const sequences = new Map<string, Buffer[]>();
  while (at < end) {
    const kind = message[at]!;
    at += 1;
    if (kind === 0) {
      const size = message.readInt32LE(at);
      body = BSON.deserialize(message.subarray(at, at + size));
      at += size;
    } else {
      const size = message.readInt32LE(at);
      const sectionEnd = at + size;
      const [name, next] = readCString(message, at + 4);
      const docs: Buffer[] = [];
      for (let d = next; d < sectionEnd;) {
        const docSize = message.readInt32LE(d);
        docs.push(message.subarray(d, d + docSize));
        d += docSize;
      }
      sequences.set(name, docs);
      at = sectionEnd;
    }
  }
  return { body, sequences };
}

function parseOpQuery(message: Buffer): Command {
  // flags, full collection name, skip, limit, then the query document.
  const [, afterName] = readCString(message, HEADER_BYTES + 4);
  const at = afterName + 8;
  const size = message.readInt32LE(at);
  return {
    body: BSON.deserialize(message.subarray(at, at + size)),
    sequences: new Map(),
  };
}

/** Chooses the reply to one command and counts writes. */
function answer(command: Command, counts: StubCounts, connectionId: number) {
  const { body } = command;
  const name = Object.keys(body)[0] ?? '';
  const db = typeof body['$db'] === 'string' ? body['$db'] : 'test';
  switch (name.toLowerCase()) {
    case 'hello':
    case 'ismaster':
      return {
        helloOk: true,
        ismaster: true,
        isWritablePrimary: true,
        maxBsonObjectSize: 16 * 1024 * 1024,
        maxMessageSizeBytes: 48_000_000,
        maxWriteBatchSize: 100_000,
        localTime: new Date(),
        logicalSessionTimeoutMinutes: 30,
        connectionId,
        minWireVersion: 0,
        maxWireVersion: 21,
        readOnly: false,
        ok: 1,
      };
    case 'buildinfo':
      return { version: '7.0.0-stub', ok: 1 };
    case 'insert': {
      const inline = Array.isArray(body['documents'])
        ? (body['documents'] as Document[])
        : [];
      const sequenced = (command.sequences.get('documents') ?? []).map((raw) =>
        body['insert'] === 'raw_crashes'
          ? BSON.deserialize(raw, { promoteBuffers: true })
          : {},
      );
      const docs = [...inline, ...sequenced];
      if (body['insert'] === 'raw_crashes') {
        for (const doc of docs) {
          counts.rawCrashIds.add(String(doc['_id']));
        }
      }
      counts.insertedDocuments += docs.length;
      return { n: docs.length, ok: 1 };
    }
    case 'update': {
      counts.updates += 1;
      const n =
        (body['updates'] as unknown[] | undefined)?.length ??
        command.sequences.get('updates')?.length ??
        1;
      return { n, nModified: n, ok: 1 };
    }
    case 'delete':
      return { n: 0, ok: 1 };
    case 'find':
    case 'aggregate':
    case 'listindexes':
    case 'listcollections': {
      const coll = String(body[name] ?? '');
      return {
        cursor: { id: Long.ZERO, ns: `${db}.${coll}`, firstBatch: [] },
        ok: 1,
      };
    }
    default:
      return { ok: 1 };
  }
}

function header(length: number, responseTo: number, opCode: number): Buffer {
  const head = Buffer.alloc(HEADER_BYTES);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(0, 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(opCode, 12);
  return head;
}

function replyOpMsg(requestId: number, doc: Document): Buffer {
  const body = BSON.serialize(doc);
  const length = HEADER_BYTES + 4 + 1 + body.length;
  return Buffer.concat([
    header(length, requestId, OP_MSG),
    Buffer.from([0, 0, 0, 0, 0]),
    body,
  ]);
}

function replyOpReply(requestId: number, doc: Document): Buffer {
  const body = BSON.serialize(doc);
  const fields = Buffer.alloc(20); // flags, cursor id, start, count
  fields.writeInt32LE(1, 16);
  const length = HEADER_BYTES + fields.length + body.length;
  return Buffer.concat([header(length, requestId, OP_REPLY), fields, body]);
}

function serve(socket: Socket, counts: StubCounts, connectionId: number) {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  socket.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    while (pendingBytes >= 4) {
      if (pending[0]!.length < 4) {
        pending = [Buffer.concat(pending)];
      }
      const length = pending[0]!.readInt32LE(0);
      if (pendingBytes < length) {
        return; // join only once the whole message is here
      }
      const joined =
        pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      const message = joined.subarray(0, length);
      const rest = joined.subarray(length);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
      const requestId = message.readInt32LE(4);
      const opCode = message.readInt32LE(12);
      if (opCode === OP_MSG) {
        const doc = answer(parseOpMsg(message), counts, connectionId);
        socket.write(replyOpMsg(requestId, doc));
      } else if (opCode === OP_QUERY) {
        const doc = answer(parseOpQuery(message), counts, connectionId);
        socket.write(replyOpReply(requestId, doc));
      } else {
        socket.destroy(new Error(`stub: unsupported opcode ${opCode}`));
        return;
      }
    }
  });
  socket.on('error', () => socket.destroy());
}

/** Starts the stub on a free loopback port. */
export async function startMongoStub(): Promise<MongoStub> {
  const counts: StubCounts = {
    rawCrashIds: new Set(),
    insertedDocuments: 0,
    updates: 0,
  };
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, counts, connections);
  });
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('stub: no TCP address');
  }
  return {
    url: `mongodb://${LOOPBACK}:${address.port}/`,
    counts,
    close: async () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      server.close();
      await once(server, 'close');
    },
  };
}
