import ParleyWire

/// The session layer's view of a message: request ids of commands and results, sequence
/// numbers of events (MSG-3, SESSION-10, SESSION-12).
extension Message {
    /// The request id of a command, `nil` for every other kind.
    public var commandRID: UInt64? {
        switch self {
        case .hello(let m): m.rid
        case .subscribe(let m): m.rid
        case .unsubscribe(let m): m.rid
        case .create(let m): m.rid
        case .join(let m): m.rid
        case .leave(let m): m.rid
        case .send(let m): m.rid
        case .note(let m): m.rid
        case .history(let m): m.rid
        case .read(let m): m.rid
        case .transfer(let m): m.rid
        case .close(let m): m.rid
        case .reopen(let m): m.rid
        case .rate(let m): m.rid
        case .setProperties(let m): m.rid
        case .list(let m): m.rid
        case .transcript(let m): m.rid
        case .search(let m): m.rid
        case .setPresence(let m): m.rid
        case .agentStatus(let m): m.rid
        case .invite(let m): m.rid
        case .answerInvitation(let m): m.rid
        case .block(let m): m.rid
        case .unblock(let m): m.rid
        case .listBlocks(let m): m.rid
        case .updateAgent(let m): m.rid
        case .eraseVisitor(let m): m.rid
        default: nil
        }
    }

    /// The same command with request id `rid`; other kinds unchanged.
    public func settingCommandRID(_ rid: UInt64) -> Message {
        switch self {
        case .hello(var m): m.rid = rid; return .hello(m)
        case .subscribe(var m): m.rid = rid; return .subscribe(m)
        case .unsubscribe(var m): m.rid = rid; return .unsubscribe(m)
        case .create(var m): m.rid = rid; return .create(m)
        case .join(var m): m.rid = rid; return .join(m)
        case .leave(var m): m.rid = rid; return .leave(m)
        case .send(var m): m.rid = rid; return .send(m)
        case .note(var m): m.rid = rid; return .note(m)
        case .history(var m): m.rid = rid; return .history(m)
        case .read(var m): m.rid = rid; return .read(m)
        case .transfer(var m): m.rid = rid; return .transfer(m)
        case .close(var m): m.rid = rid; return .close(m)
        case .reopen(var m): m.rid = rid; return .reopen(m)
        case .rate(var m): m.rid = rid; return .rate(m)
        case .setProperties(var m): m.rid = rid; return .setProperties(m)
        case .list(var m): m.rid = rid; return .list(m)
        case .transcript(var m): m.rid = rid; return .transcript(m)
        case .search(var m): m.rid = rid; return .search(m)
        case .setPresence(var m): m.rid = rid; return .setPresence(m)
        case .agentStatus(var m): m.rid = rid; return .agentStatus(m)
        case .invite(var m): m.rid = rid; return .invite(m)
        case .answerInvitation(var m): m.rid = rid; return .answerInvitation(m)
        case .block(var m): m.rid = rid; return .block(m)
        case .unblock(var m): m.rid = rid; return .unblock(m)
        case .listBlocks(var m): m.rid = rid; return .listBlocks(m)
        case .updateAgent(var m): m.rid = rid; return .updateAgent(m)
        case .eraseVisitor(var m): m.rid = rid; return .eraseVisitor(m)
        default: return self
        }
    }

    /// The request id a result answers (`nil` for an `error` not tied to a command, and for
    /// every other kind).
    public var resultRID: UInt64? {
        switch self {
        case .welcome(let m): m.rid
        case .ok(let m): m.rid
        case .historyPage(let m): m.rid
        case .conversations(let m): m.rid
        case .transcriptResult(let m): m.rid
        case .searchResult(let m): m.rid
        case .blocks(let m): m.rid
        case .erased(let m): m.rid
        case .error(let m): m.rid
        default: nil
        }
    }

    /// The session sequence number of an event, `nil` for every other kind.
    public var eventSeq: UInt64? {
        switch self {
        case .event(let m): m.seq
        case .readMarker(let m): m.seq
        case .invitation(let m): m.seq
        case .invitationAnswered(let m): m.seq
        default: nil
        }
    }
}
