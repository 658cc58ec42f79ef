/// Header names of the Standard Webhooks spec (lower case, as HTTP/2 sends them).
public enum WebhookHeaders {
    /// The message id, stable across retries so receivers can drop duplicates.
    public static let id = "webhook-id"
    /// The attempt's time in unix seconds.
    public static let timestamp = "webhook-timestamp"
    /// Space-separated `v1,<base64>` signatures.
    public static let signature = "webhook-signature"
}
