from safelint.cli import main

main()
