PRAGMA optimize;
