/// The version printed by `--version`.
public enum HaetaeVersion {
    public static let current = "0.1.0"
}
