import SQLite

/// Gauges and history: depth, age of the oldest pending message, recent dead letters, purging.
extension WebhookOutbox {
    /// Messages waiting to be delivered (state `pending`).
    public func depth() throws -> Int {
        Int(try database.scalarInt("SELECT count(*) FROM webhook_messages WHERE state = 'pending'"))
    }

    /// How many messages are in `state`.
    public func count(state: WebhookOutboxMessage.State) throws -> Int {
        let statement = try database.prepare("SELECT count(*) FROM webhook_messages WHERE state = ?")
        try statement.bind(state.rawValue, at: 1)
        return try statement.step() ? Int(statement.int64(at: 0)) : 0
    }

    /// Age of the oldest pending message at `nowMillis`; nil when none is pending.
    public func oldestPendingAgeMillis(nowMillis: Int64) throws -> Int64? {
        let statement = try database.prepare("SELECT min(created_at) FROM webhook_messages WHERE state = 'pending'")
        guard try statement.step(), !statement.isNull(at: 0) else { return nil }
        return max(nowMillis - statement.int64(at: 0), 0)
    }

    /// The most recently finished messages in `state` (not `pending`), newest first.
    public func recent(state: WebhookOutboxMessage.State, limit: Int) throws -> [WebhookOutboxMessage] {
        let statement = try database.prepare(
            "SELECT \(WebhookOutboxSchema.columns) FROM webhook_messages WHERE state = ? ORDER BY finished_at DESC, seq DESC LIMIT ?")
        try statement.bind(state.rawValue, at: 1)
        try statement.bind(limit, at: 2)
        var messages: [WebhookOutboxMessage] = []
        while try statement.step() { messages.append(message(from: statement)) }
        return messages
    }

    /// The most recent dead letters, newest first, with their reasons in `lastError`.
    public func deadLetters(limit: Int = 100) throws -> [WebhookOutboxMessage] {
        try recent(state: .dead, limit: limit)
    }

    /// Keeps a bounded history: deletes finished messages (delivered, dead, gone) that finished
    /// more than `retentionMillis` before `nowMillis`, and beyond the newest `keepFinished` of them.
    /// Pending messages are never purged.
    /// - Returns: how many rows were deleted.
    @discardableResult
    public func purge(nowMillis: Int64, retentionMillis: Int64, keepFinished: Int) throws -> Int {
        try database.transaction {
            let byAge = try database.prepare(
                "DELETE FROM webhook_messages WHERE state <> 'pending' AND finished_at < ?")
            try byAge.bind(nowMillis - retentionMillis, at: 1)
            try byAge.run()
            var deleted = Int(try database.scalarInt("SELECT changes()"))
            let byCount = try database.prepare(
                """
                DELETE FROM webhook_messages WHERE state <> 'pending' AND seq NOT IN (
                    SELECT seq FROM webhook_messages WHERE state <> 'pending' ORDER BY finished_at DESC, seq DESC LIMIT ?)
                """)
            try byCount.bind(max(keepFinished, 0), at: 1)
            try byCount.run()
            deleted += Int(try database.scalarInt("SELECT changes()"))
            return deleted
        }
    }
}
