/// Index spaces of a module (<https://webassembly.github.io/spec/core/syntax/modules.html#indices>).
///
/// They are aliases, not distinct types: the names make every signature say which index space it means,
/// while arithmetic and table lookups stay free of conversions.
public typealias TypeIndex = UInt32
public typealias FunctionIndex = UInt32
public typealias TableIndex = UInt32
public typealias MemoryIndex = UInt32
public typealias GlobalIndex = UInt32
public typealias TagIndex = UInt32
public typealias ElementIndex = UInt32
public typealias DataIndex = UInt32
public typealias LocalIndex = UInt32
public typealias LabelDepth = UInt32
