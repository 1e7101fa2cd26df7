import ParleyCore
import ParleyWire

/// A command waiting for the store to read archived conversations back (STORE-5, STORE-8) or to
/// search (STORE-9).
struct ParkedCommand: Sendable {
    var command: HubInput.Dispatch
    var actor: ChatIdentity
}

/// Reading archived conversations back from the host's store (STORE-5): with
/// ``LiveChatConfiguration/keepsArchive`` off, a conversation leaves memory when its reopen
/// window passes (CONV-34), and a command that needs it waits for a ``ServerOutput/load(_:)``.
/// A `search` waits for the store the same way, which holds every conversation's events (STORE-9),
/// and an `eraseVisitor` for the list of the visitor's archived conversations (STORE-8).
///
/// ```swift
/// case .load(let request):
///     Task { perform(core.loaded(request.id, try? await store.answer(request.query), now: clock())) }
/// ```
extension ServerCore {
    /// What a command needs read from the store before it runs, if anything: a conversation it
    /// names that is not in memory, the archived part of a `list`, a valid `search`'s events
    /// (an invalid one is refused without reading), or a supervisor's `eraseVisitor`'s archived
    /// conversations of the visitor.
    func storeRead(for message: Message, actor: ChatIdentity) -> StoreRead? {
        guard !configuration.chat.keepsArchive else { return nil }
        if case .list(let m) = message {
            // Archived conversations are closed or abandoned, never queued, offline or active.
            return actor.role == .visitor ? .archive(.visitor(actor.user))
                : [nil, .closed, .abandoned].contains(m.state) ? .archive(.state(m.state)) : nil
        }
        if case .search(let m) = message {
            let asked = chat.searchQuery(
                m.text, before: m.before, limit: m.limit.map { Int(clamping: $0) }, from: actor)
            return (try? asked.get()).map(StoreRead.search)
        }
        if case .eraseVisitor(let m) = message {
            // What memory does not hold of the visitor is their archived conversations (STORE-8).
            return chat.mayErase(actor) ? .archive(.visitor(m.visitor)) : nil
        }
        let named: String? = switch message {
        case .join(let m): m.conversation
        case .leave(let m): m.conversation
        case .send(let m): m.conversation
        case .note(let m): m.conversation
        case .history(let m): m.conversation
        case .read(let m): m.conversation
        case .transfer(let m): m.conversation
        case .close(let m): m.conversation
        case .reopen(let m): m.conversation
        case .rate(let m): m.conversation
        case .setProperties(let m): m.conversation
        case .transcript(let m): m.conversation
        default: nil
        }
        return named.flatMap { chat.needsArchive($0) ? .archive(.conversation($0)) : nil }
    }

    /// Parks `command` until the store answers `query`.
    mutating func park(_ command: ParkedCommand, reading query: StoreRead) {
        nextLoad += 1
        parked[nextLoad] = command
        pending.load(LoadRequest(id: nextLoad, query: query))
    }

    /// The store answered read `id` (``ServerOutput/load(_:)``): the command that waited for it
    /// runs now, reading what came back as archived conversations (CONV-34) or, for a search,
    /// as the events found (STORE-9); `nil` when the store could not read, answered
    /// STORE_UNAVAILABLE (STORE-5, STORE-8, STORE-9). An unknown id does nothing.
    public mutating func loaded(_ id: UInt64, _ answer: ArchivedConversations?, now: Instant) -> [ServerOutput] {
        guard let parked = parked.removeValue(forKey: id) else { return [] }
        let command = parked.command
        if let answer {
            chat.restore(answer)
            dispatch(parked.command, actor: parked.actor, now: now, read: answer)
            chat.forgetRestored()
        } else if let rid = command.message.commandRID {
            let (message, requirement) = switch command.message {
            case .search: ("the store could not search", "STORE-9")
            case .eraseVisitor: ("the store could not list the visitor's archived conversations: nothing erased", "STORE-8")
            default: ("the store could not read archived conversations", "STORE-5")
            }
            complete(.error(Wire.ErrorReply(
                rid: rid, code: UInt64(ErrorCode.storeUnavailable.rawValue), message: message,
                retryAfterMs: configuration.session.inProgressRetryAfterMs, requirement: requirement)),
                session: command.session, now: now)
        }
        return emit(now: now)
    }
}
