/// Where an ``Inflater`` stands after consuming what it was given.
public enum InflateProgress: Hashable, Sendable {
    /// All input was consumed and the stream has not ended: more input may follow.
    case needsInput
    /// The stream ended (final block, and the Adler-32 checked in zlib format);
    /// `unconsumed` input bytes follow the end.
    case streamEnd(unconsumed: Int)
}
