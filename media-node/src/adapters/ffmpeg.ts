/** FFmpeg through fluent-ffmpeg (Debian's ffmpeg binary). Failures carry the argv and stderr's tail. */
import ffmpeg from 'fluent-ffmpeg'

export interface FfmpegJob {
  inputs: Array<{ source: string; format?: string; options?: string[] }>
  output: string
  /** One token per argv entry (`['-c:v', 'libx264']`); values may contain spaces. */
  options: string[]
}

export function runFfmpeg(job: FfmpegJob): Promise<void> {
  return new Promise((resolve, reject) => {
    const command = ffmpeg()
    for (const input of job.inputs) {
      command.input(input.source)
      if (input.format) command.inputFormat(input.format)
      if (input.options) command.inputOptions(input.options)
    }
    let argv = ''
    command
      // Several arguments: fluent-ffmpeg then passes each one as is (one array would be split at spaces).
      .outputOptions(...(job.options as [string, ...string[]]))
      .output(job.output)
      .on('start', (line: string) => (argv = line))
      .on('end', () => resolve())
      .on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
        const tail = String(stderr ?? '').split('\n').slice(-8).join('\n')
        reject(new Error(`ffmpeg failed: ${err.message}\n${argv}\n${tail}`, { cause: err }))
      })
      .run()
  })
}
