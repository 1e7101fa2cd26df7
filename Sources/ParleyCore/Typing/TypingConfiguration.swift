/// The timing rules and limits of a ``TypingTracker``; the defaults are the spec's
/// recommended values (TYPE section).
public struct TypingConfiguration: Hashable, Sendable {
    /// How long a typer stays in the set after their last accepted start (TYPE-3). Default 6 s.
    public var expiryMilliseconds: UInt64
    /// Repeated starts from a typer within this time of their last accepted start are absorbed
    /// (TYPE-5), and preview changes are broadcast at most this often (TYPE-13). Default 2 s.
    public var throttleMilliseconds: UInt64
    /// An unchanged, non-empty set is re-broadcast on an accepted start once its last
    /// broadcast is this old, so receivers' own expiry does not drop it (TYPE-6). Default 3 s.
    public var refreshMilliseconds: UInt64
    /// The longest draft preview kept, in UTF-8 bytes; longer drafts are cut at a character
    /// boundary (TYPE-14). Default 1024.
    public var maxPreviewBytes: Int

    /// A configuration; every argument defaults to the spec's recommended value.
    public init(
        expiryMilliseconds: UInt64 = 6_000,
        throttleMilliseconds: UInt64 = 2_000,
        refreshMilliseconds: UInt64 = 3_000,
        maxPreviewBytes: Int = 1024
    ) {
        self.expiryMilliseconds = expiryMilliseconds
        self.throttleMilliseconds = throttleMilliseconds
        self.refreshMilliseconds = refreshMilliseconds
        self.maxPreviewBytes = maxPreviewBytes
    }
}
