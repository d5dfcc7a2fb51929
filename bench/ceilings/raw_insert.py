"""Ceiling (d): the import rows read from CSV and INSERTed in batches of 1,000 by psycopg, nothing else.

Same file, same database as `pathways import trainees`; a scratch table with one text
column per CSV column. Prints JSON: rows and rows per second.
"""

import csv
import json
import sys
import time

import psycopg

BATCH = 1000


def run(database_url: str, path: str) -> dict:
    started = time.perf_counter()
    with open(path, newline="", encoding="utf-8-sig") as handle, psycopg.connect(database_url) as connection:
        reader = csv.reader(handle)
        header = next(reader)
        columns = ", ".join(f'"{name}" text' for name in header)
        connection.execute(f"DROP TABLE IF EXISTS bench_ceiling_trainees; CREATE TABLE bench_ceiling_trainees "
                           f"(id bigserial PRIMARY KEY, {columns})")
        insert = (f"INSERT INTO bench_ceiling_trainees ({', '.join(chr(34) + h + chr(34) for h in header)}) "
                  f"VALUES ({', '.join(['%s'] * len(header))})")
        rows = 0
        with connection.cursor() as cursor:
            batch = []
            for row in reader:
                batch.append(row)
                if len(batch) == BATCH:
                    cursor.executemany(insert, batch)
                    connection.commit()
                    rows, batch = rows + len(batch), []
            if batch:
                cursor.executemany(insert, batch)
                connection.commit()
                rows += len(batch)
        connection.execute("DROP TABLE bench_ceiling_trainees")
    elapsed = time.perf_counter() - started
    return {"rows": rows, "seconds": elapsed, "rows_per_s": rows / elapsed}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2])))
