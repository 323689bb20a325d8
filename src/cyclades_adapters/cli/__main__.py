from cyclades_adapters.cli.main import main

raise SystemExit(main())
