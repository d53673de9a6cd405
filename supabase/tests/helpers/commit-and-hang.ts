// Child process of embedded-database.test.ts: opens the embedded database in BT_TEST_DATA_DIR,
// commits one row with the given number, says so, and waits to be killed.
import pg from 'pg'
import { startEmbeddedDatabase } from '../../src/embedded-database.ts'

const db = await startEmbeddedDatabase({ dataDir: process.env.BT_TEST_DATA_DIR!, port: 0, password: 'kill-test-password-0123456789' })
const client = new pg.Client({ connectionString: db.url })
await client.connect()
await client.query('create table if not exists survived (n int primary key)')
await client.query('insert into survived values ($1)', [Number(process.env.BT_TEST_ROW)])
process.stdout.write('committed\n')
setInterval(() => {}, 1000)
