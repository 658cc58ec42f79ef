/// A failure of test infrastructure (a tool that would not start, a timeout), with what happened.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
