// What an app needs to configure Parley and answer `identify` (`ParleyServer`,
// `ServerConfiguration`, `AuthenticatedIdentity`, `Instant`, `Wire.Identity`) comes with
// `import ParleyHummingbird`, so the app depends on this one product.
@_exported import ParleyCore
@_exported import ParleyServer
@_exported import ParleyWire
