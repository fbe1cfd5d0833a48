fn main() -> std::process::ExitCode {
    wpconsole::cli::main()
}
