import ParleyCore

/// An embedding application's store for ``ParleyServer``: it makes the server's durable
/// changes durable — in its own database, asynchronously — and the server acknowledges nothing
/// that depends on them before it has (STORE-1); it keeps the archived conversations, which
/// the server reads back when a command needs them (STORE-5). Without one, the server keeps
/// its state in memory only and confirms every batch at once.
///
/// The server hands it one write at a time, in batch order; changes that arrive while a write is
/// under way are written together by the next call (group commit). When a call throws, the
/// server answers the commands that wait for it with STORE_UNAVAILABLE and calls again with the
/// same changes after a pause, until a call returns (STORE-3, STORE-4).
///
/// ``MemoryStore`` is the reference implementation, in memory.
///
/// ```swift
/// struct ShopStore: DurableStore {
///     let database: ShopDatabase
///     func write(_ changes: [DurableChange]) async throws {
///         try await database.transaction { transaction in
///             for change in changes { try await transaction.apply(change) }   // upserts
///         }
///     }
///     func load(_ query: ArchiveQuery) async throws -> ArchivedConversations {
///         try await database.archived(query)
///     }
///     func recover() async throws -> RecoveredState { try await database.openConversations() }
///     func purge(endedBefore cutoff: Instant) async throws -> Int { try await database.purge(before: cutoff) }
///     func search(_ query: TranscriptQuery) async throws -> [ChatEvent] { try await database.search(query) }
/// }
/// let server = ParleyServer(configuration: configuration, store: ShopStore(database: database))
/// ```
public protocol DurableStore: Sendable {
    /// Makes `changes` (one or more batches, in order) durable, all or nothing, and returns once
    /// they are; throws when they are not. A change written twice must leave the state it
    /// leaves once (see `DurableChange`).
    func write(_ changes: [DurableChange]) async throws
    /// The archived conversations `query` asks for (CONV-34, STORE-5): the server keeps no
    /// conversation in memory once its reopen window has passed, and reads it back from here
    /// when a command needs it. Throws when it cannot read (the command is answered
    /// STORE_UNAVAILABLE).
    func load(_ query: ArchiveQuery) async throws -> ArchivedConversations
    /// What the server starts from (STORE-6): called once, before the server accepts a
    /// connection. Throws when the store cannot be read (the server does not start).
    func recover() async throws -> RecoveredState
    /// Removes the archived conversations that ended before `cutoff`, with their events, and
    /// returns how many (STORE-7: `--retain-days`). Open conversations and those still in
    /// their reopen window are never archived, so never removed.
    func purge(endedBefore cutoff: Instant) async throws -> Int
    /// The page of messages and notes `query` finds (STORE-9), newest first.
    func search(_ query: TranscriptQuery) async throws -> [ChatEvent]
}
