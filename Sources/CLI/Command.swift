/// The command-line shell over the library.
public enum Command {
    public static func main(arguments: [String]) -> Int32 { 0 }
}
