/**
 * Storage of processed crashes and of the per-signature summary the web app
 * lists (first and last seen, number of crashes). Processing is at least
 * once, so every write here is idempotent: a processed crash is replaced
 * whole, and a crash counts toward a signature once, however often it is
 * processed.
 */
import type { Collection, Db } from 'mongodb';
import type { CrashId } from './crash-id.js';
import { originalKeys, storableKeys } from './document-keys.js';
import { MissingSymbolsStorage } from './missing-symbols.js';
import { Collections } from './mongo.js';

/** A processed crash as stored: Socorro's field names at the top level. */
export interface ProcessedCrashDocument {
  _id: CrashId;
  uuid: CrashId;
  signature?: string;
  date_processed?: Date;
  /** The signature this crash is counted under in the signatures collection. */
  counted_signature?: string | null;
  [field: string]: unknown;
}

/** One signature's summary. */
export interface SignatureDocument {
  _id: string;
  first_seen: Date;
  last_seen: Date;
  crash_count: number;
  /**
   * Smallest build id of a crash with it, left-padded with zeros to 20
   * digits so that `$min` compares build ids as numbers; read it through
   * {@link firstBuildOf}.
   */
  first_build?: string;
}

/** The build id of {@link SignatureDocument.first_build} without its padding. */
export function firstBuildOf(doc: SignatureDocument): string | null {
  return doc.first_build === undefined
    ? null
    : doc.first_build.replace(/^0+(?=\d)/, '');
}

/** Reads and writes processed crashes and signature summaries. */
export class ProcessedCrashStorage {
  private readonly crashes: Collection<ProcessedCrashDocument>;
  private readonly signatures: Collection<SignatureDocument>;
  private readonly missingSymbols: MissingSymbolsStorage;

  constructor(db: Db) {
    this.crashes = db.collection<ProcessedCrashDocument>(
      Collections.processedCrashes,
    );
    this.signatures = db.collection<SignatureDocument>(Collections.signatures);
    this.missingSymbols = new MissingSymbolsStorage(db);
  }

  /** Creates the indexes this storage relies on; safe at every start. */
  async ensureIndexes(): Promise<void> {
    await this.crashes.createIndex(
      { date_processed: -1 },
      { name: 'date_processed' },
    );
    await this.crashes.createIndex(
      { signature: 1, date_processed: -1 },
      { name: 'signature_date_processed' },
    );
    // Searches and Top Crashers filter on a product within a date range.
    await this.crashes.createIndex(
      { product: 1, date_processed: -1 },
      { name: 'product_date_processed' },
    );
    await this.signatures.createIndex({ last_seen: -1 }, { name: 'last_seen' });
    await this.missingSymbols.ensureIndexes();
  }

  async get(crashId: CrashId): Promise<ProcessedCrashDocument | null> {
    return originalKeys(await this.crashes.findOne({ _id: crashId }));
  }

  /**
   * Stores a processed crash, then moves its count to its signature. The
   * previous count is read from the stored crash, so a repeat run does not
   * count the crash twice.
   */
  async save(crash: ProcessedCrashDocument): Promise<void> {
    const previous = await this.crashes.findOne(
      { _id: crash._id },
      { projection: { counted_signature: 1 } },
    );
    const counted = previous?.counted_signature ?? null;
    const doc = storableKeys({ ...crash, counted_signature: counted });
    await this.crashes.replaceOne({ _id: crash._id }, doc, { upsert: true });
    if (previous === null) {
      // Counted at the first run only; reprocessing does not count again.
      await this.missingSymbols.record(
        crash.json_dump,
        crash.date_processed ?? new Date(),
      );
    }

    const signature = crash.signature ?? null;
    if (signature === counted) {
      await this.touchSignature(crash, 0);
      return;
    }
    // LIMITATION: without multi-document transactions (FerretDB v1 has
    // none) a crash that dies between these writes and its redelivery is
    // counted once more. See docs/limitations.md.
    if (counted !== null) {
      await this.signatures.updateOne(
        { _id: counted },
        { $inc: { crash_count: -1 } },
      );
    }
    await this.touchSignature(crash, signature === null ? 0 : 1);
    await this.crashes.updateOne(
      { _id: crash._id },
      { $set: { counted_signature: signature } },
    );
  }

  private async touchSignature(
    crash: ProcessedCrashDocument,
    increment: number,
  ): Promise<void> {
    if (!crash.signature || !crash.date_processed) {
      return;
    }
    const build =
      typeof crash.build === 'string' && /^\d{1,20}$/.test(crash.build)
        ? { first_build: crash.build.padStart(20, '0') }
        : {};
    await this.signatures.updateOne(
      { _id: crash.signature },
      {
        $min: { first_seen: crash.date_processed, ...build },
        $max: { last_seen: crash.date_processed },
        $inc: { crash_count: increment },
      },
      { upsert: true },
    );
  }

  getSignature(signature: string): Promise<SignatureDocument | null> {
    return this.signatures.findOne({ _id: signature });
  }
}
