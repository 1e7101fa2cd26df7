import ParleyWire

extension Role {
    /// Whether this role is staff, and so may see what visitors must not: visitors' presence,
    /// agents' free text, internal-note typing and draft previews (PRES-18, TYPE-8, TYPE-11).
    var receivesStaffOnlyContent: Bool {
        switch self {
        case .visitor: false
        case .agent, .supervisor, .bot: true
        }
    }
}
