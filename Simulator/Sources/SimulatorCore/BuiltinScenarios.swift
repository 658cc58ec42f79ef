/// The scenarios shipped with `haetae-sim`, as YAML text parsed by the same parser as files
/// (`haetae-sim scenario show NAME` prints the text as a starting point).
public enum BuiltinScenarios {
    /// The built-in names: `smoke`, `seoul`, `gwangju`, `stress`, `plant`.
    public static let names = ["smoke", "seoul", "gwangju", "stress", "plant"]

    /// The YAML text of a built-in scenario, or nil for an unknown name.
    public static func named(_ name: String) -> String? {
        switch name {
        case "smoke": smoke
        case "seoul": seoul
        case "gwangju": gwangju
        case "stress": stress
        case "plant": plant
        default: nil
        }
    }
}
