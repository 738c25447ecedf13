from cleaner.console import main

main()
