/// The outbox table. One row per (receiver, webhook-id); the `seq` rowid keeps insertion order;
/// `priority` (``WebhookPriority``, 0 first) orders due messages before that.
/// Partial indexes cover the two hot queries: due pending rows per receiver, and finished rows
/// by age for purging. Times are unix milliseconds.
enum WebhookOutboxSchema {
    static let version: Int64 = 2

    static let statements = """
        CREATE TABLE IF NOT EXISTS webhook_messages(
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            receiver TEXT NOT NULL,
            body BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead', 'gone')),
            last_status INTEGER,
            last_error TEXT,
            finished_at INTEGER,
            priority INTEGER NOT NULL DEFAULT 0,
            UNIQUE(receiver, id)
        );
        CREATE INDEX IF NOT EXISTS webhook_messages_due
            ON webhook_messages(receiver, next_attempt_at) WHERE state = 'pending';
        CREATE INDEX IF NOT EXISTS webhook_messages_finished
            ON webhook_messages(finished_at) WHERE state <> 'pending';
        """

    /// Version 1 files lack `priority`: their messages are all normal.
    static let addPriority = "ALTER TABLE webhook_messages ADD COLUMN priority INTEGER NOT NULL DEFAULT 0"

    /// Columns read into a `WebhookOutboxMessage`, in the order `WebhookOutbox.message(from:)` expects.
    static let columns =
        "id, receiver, body, created_at, attempts, next_attempt_at, state, last_status, last_error, finished_at, priority"
}
