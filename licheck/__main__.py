from licheck.cli import main

raise SystemExit(main())
