extension Duration {
    /// Whole milliseconds, rounded down (the outbox stores unix milliseconds).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}
