using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TypedSse.Benchmarks.Load;

/// <summary>
/// One streaming connection on a raw socket: a GET, the response head, the chunked transfer coding, and in the body
/// only the two numbers the load needs, <c>"seq":</c> and <c>"ts":</c>. Each <c>ts</c> is one event; nothing else
/// of the SSE format is parsed.
/// </summary>
internal sealed class Subscriber : IDisposable
{
    private static ReadOnlySpan<byte> SeqKey => "\"seq\":"u8;
    private static ReadOnlySpan<byte> TsKey => "\"ts\":"u8;

    private readonly SubscriberPool _pool;
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly byte[] _buffer;

    private List<byte>? _head = [];
    private bool _chunked;
    private ChunkState _chunkState;
    private long _chunkRemaining;

    private int _seqMatch;
    private int _tsMatch;
    private int _number; // 0 none, 1 seq, 2 ts
    private long _value;
    private long _seq;

    private int _trackerGeneration;
    private long _nextBatch;

    public Subscriber(SubscriberPool pool, int bufferSize)
    {
        _pool = pool;
        _buffer = new byte[bufferSize];
    }

    private enum ChunkState { Size, Extension, SizeLf, Data, DataCr, DataLf, Done }

    public long LastSeq;
    public long Gaps;
    public long Bytes;
    public bool Closed;

    /// <summary>What ended the connection, when it was not the server or the benchmark closing it.</summary>
    public Exception? Failure { get; private set; }

    public async Task ConnectAsync(IPEndPoint server, string path)
    {
        await _socket.ConnectAsync(server);
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {server}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n");
        await _socket.SendAsync(request);
        _ = ReceiveLoopAsync();
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                int read = await _socket.ReceiveAsync(_buffer, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }
                Bytes += read;
                int events = Process(_buffer.AsSpan(0, read), _pool.NowMicroseconds());
                if (events > 0)
                {
                    _pool.Received(events);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        catch (Exception ex)
        {
            Failure = ex;
        }
        Closed = true;
        _pool.SubscriberClosed(this);
    }

    private int Process(ReadOnlySpan<byte> data, long now)
    {
        if (_head is not null)
        {
            data = ReadHead(data);
            if (_head is not null)
            {
                return 0;
            }
        }
        if (!_chunked)
        {
            return Scan(data, now);
        }

        int events = 0;
        while (!data.IsEmpty)
        {
            switch (_chunkState)
            {
                case ChunkState.Size:
                    byte b = data[0];
                    data = data[1..];
                    int digit = HexValue(b);
                    if (digit >= 0)
                    {
                        _chunkRemaining = (_chunkRemaining << 4) | (uint)digit;
                    }
                    else
                    {
                        _chunkState = b == (byte)'\r' ? ChunkState.SizeLf : ChunkState.Extension;
                    }
                    break;
                case ChunkState.Extension:
                    int cr = data.IndexOf((byte)'\r');
                    data = cr < 0 ? default : data[(cr + 1)..];
                    _chunkState = cr < 0 ? ChunkState.Extension : ChunkState.SizeLf;
                    break;
                case ChunkState.SizeLf:
                    data = data[1..];
                    _chunkState = _chunkRemaining == 0 ? ChunkState.Done : ChunkState.Data;
                    break;
                case ChunkState.Data:
                    int take = (int)Math.Min(_chunkRemaining, data.Length);
                    events += Scan(data[..take], now);
                    data = data[take..];
                    _chunkRemaining -= take;
                    if (_chunkRemaining == 0)
                    {
                        _chunkState = ChunkState.DataCr;
                    }
                    break;
                case ChunkState.DataCr:
                    data = data[1..];
                    _chunkState = ChunkState.DataLf;
                    break;
                case ChunkState.DataLf:
                    data = data[1..];
                    _chunkState = ChunkState.Size;
                    break;
                case ChunkState.Done:
                    return events;
            }
        }
        return events;
    }

    private ReadOnlySpan<byte> ReadHead(ReadOnlySpan<byte> data)
    {
        var headBytes = _head!;
        headBytes.AddRange(data);
        var head = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(headBytes);
        int end = head.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            if (headBytes.Count > 16 * 1024)
            {
                throw new InvalidDataException("The response head is over 16 KiB.");
            }
            return default;
        }
        string text = Encoding.ASCII.GetString(head[..end]);
        if (!text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Expected 200, got: {text.Split('\r')[0]}");
        }
        _chunked = text.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase);
        int consumed = data.Length - (head.Length - (end + 4));
        _head = null;
        return data[consumed..];
    }

    private int Scan(ReadOnlySpan<byte> data, long now)
    {
        int events = 0;
        int i = 0;
        while (i < data.Length)
        {
            byte b = data[i];
            if (_number != 0)
            {
                if ((uint)(b - '0') <= 9)
                {
                    _value = (_value * 10) + (b - '0');
                    i++;
                    continue;
                }
                if (_number == 1)
                {
                    _seq = _value;
                }
                else
                {
                    OnEvent(_seq, _value, now);
                    events++;
                }
                _number = 0;
            }

            if (_seqMatch == 0 && _tsMatch == 0)
            {
                int quote = data[i..].IndexOf((byte)'"');
                if (quote < 0)
                {
                    return events;
                }
                i += quote;
                b = data[i];
            }
            i++;
            _seqMatch = b == SeqKey[_seqMatch] ? _seqMatch + 1 : b == '"' ? 1 : 0;
            _tsMatch = b == TsKey[_tsMatch] ? _tsMatch + 1 : b == '"' ? 1 : 0;
            if (_seqMatch == SeqKey.Length || _tsMatch == TsKey.Length)
            {
                _number = _seqMatch == SeqKey.Length ? 1 : 2;
                _value = 0;
                _seqMatch = _tsMatch = 0;
            }
        }
        return events;
    }

    private void OnEvent(long seq, long ts, long now)
    {
        if (LastSeq != 0 && seq != LastSeq + 1)
        {
            Gaps += Math.Abs(seq - LastSeq - 1);
        }
        LastSeq = seq;
        _pool.Latencies?.Record(now - ts);

        if (_pool.Tracker is { } tracker)
        {
            if (_trackerGeneration != tracker.Generation)
            {
                _trackerGeneration = tracker.Generation;
                _nextBatch = 0;
            }
            while (seq >= tracker.LastSeqOf(_nextBatch))
            {
                tracker.Completed(_nextBatch++);
            }
        }
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    public void Dispose() => _socket.Dispose();
}
