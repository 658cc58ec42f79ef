/// The one version of this build, printed by `--version`, exported as `haetae_build_info` and
/// shown on the page and in the edges' status reports.
///
/// `number` is the release, kept here (the container build reads it from this file);
/// `revision` is the git revision the binary was built from, stamped at build time by
/// `Plugins/RevisionStamp` (`unknown` outside a git checkout).
public enum HaetaeVersion {
    /// The release number.
    public static let number = "0.1.0"
    /// The git revision (12 hex digits), or `unknown`.
    public static let revision = BuildRevision.text
    /// `0.1.0 (c39d00a1b2c3)`: what people read.
    public static let current = "\(number) (\(revision))"
}
