/// The namespace of every wire structure and message body (generated from
/// `Spec/schema/messages.json`), so their short names (`Wire.Hello`, `Wire.Identity`) never
/// collide with an embedding application's own types.
public enum Wire {}
