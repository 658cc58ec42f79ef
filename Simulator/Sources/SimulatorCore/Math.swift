#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few libm functions the generator needs, without Foundation.
enum Math {
    static func log(_ x: Double) -> Double {
        #if canImport(Darwin)
        Darwin.log(x)
        #elseif canImport(Musl)
        Musl.log(x)
        #else
        Glibc.log(x)
        #endif
    }

    static func sin(_ x: Double) -> Double {
        #if canImport(Darwin)
        Darwin.sin(x)
        #elseif canImport(Musl)
        Musl.sin(x)
        #else
        Glibc.sin(x)
        #endif
    }

    static func cos(_ x: Double) -> Double {
        #if canImport(Darwin)
        Darwin.cos(x)
        #elseif canImport(Musl)
        Musl.cos(x)
        #else
        Glibc.cos(x)
        #endif
    }
}
