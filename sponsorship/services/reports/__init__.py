"""Reports: the shared definitions, dashboard, statistics, trends and exports."""
