import ServiceLifecycle

/// The store's connection pool as a service of the application's service group: it runs until
/// the group shuts down gracefully. List it before the Parley server's service, so that the
/// server says goodbye to its clients before the pool closes.
extension PostgresStore: Service {}
