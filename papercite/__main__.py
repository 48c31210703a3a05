from papercite.cli import main

main()
