/// Polls `condition` until it holds or `timeout` passes.
///
/// ```swift
/// #expect(await eventually { handler.count == 1000 })
/// ```
/// - Returns: whether the condition held in time.
@discardableResult
public func eventually(
    timeout: Duration = .seconds(10),
    poll: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try await condition() { return true }
        if clock.now >= deadline { return false }
        try? await Task.sleep(for: poll)
    }
}
