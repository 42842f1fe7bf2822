using System.Globalization;
using Platform.Hosting.Http;

namespace DonationService.Donations;

/// <summary>A checked <c>near</c> point and radius of the donation list.</summary>
public sealed record NearPoint(double Latitude, double Longitude, double RadiusKm)
{
    /// <summary>The straight-line (chord) distance through the sphere that <see cref="RadiusKm"/> along its surface spans, in metres.</summary>
    public double ChordM() => 2 * Coordinates.EarthRadiusM * Math.Sin(RadiusKm * 1000 / (2 * Coordinates.EarthRadiusM));
}

/// <summary>
/// Coordinates and "near me" (issue 17). Points are 3-D cube points on a sphere of the earthdistance
/// extension's radius (migration 0009); a radius along the surface is searched as the matching chord,
/// with the GiST index on <c>earth_point</c> (<c>cube_enlarge</c> box, then the exact chord).
/// </summary>
public static class Coordinates
{
    /// <summary>earthdistance's <c>earth()</c>, in metres.</summary>
    public const double EarthRadiusM = 6378168;

    public const double MaxRadiusKm = 200;

    public const string NearPattern = @"^-?[0-9]{1,3}(\.[0-9]{1,10})?,-?[0-9]{1,3}(\.[0-9]{1,10})?$";

    public const string NearMessage = "must be lat,lng in degrees, e.g. 51.5072,-0.1276";

    public const string RadiusPattern = @"^[0-9]{1,3}(\.[0-9]{1,3})?$";

    public const string RadiusMessage = "must be a number of kilometres, e.g. 5 or 2.5";

    /// <summary>The cube point of a latitude and longitude (SQL expressions or parameters), as migration 0009 generates it.</summary>
    public static string EarthPointSql(string latitude, string longitude) =>
        $"extensions.cube(array[{EarthRadiusM} * cos(radians({latitude})) * cos(radians({longitude})), "
        + $"{EarthRadiusM} * cos(radians({latitude})) * sin(radians({longitude})), {EarthRadiusM} * sin(radians({latitude}))])";

    /// <summary>Latitude and longitude of a body come together.</summary>
    public static void CheckPair(Validation validation, double? latitude, double? longitude)
    {
        if (latitude is null != longitude is null)
        {
            validation.Add(latitude is null ? "latitude" : "longitude", "is required with " + (latitude is null ? "longitude" : "latitude"));
        }
    }

    /// <summary>near and radius_km come together, within range (their patterns are checked by their field rules).</summary>
    public static void CheckNear(Validation validation, string? near, string? radiusKm)
    {
        if (near is null != radiusKm is null)
        {
            validation.Add(near is null ? "near" : "radius_km", "is required with " + (near is null ? "radius_km" : "near"));
            return;
        }

        if (near is null || validation.Has("near") || validation.Has("radius_km"))
        {
            return;
        }

        var (latitude, longitude) = Split(near);
        if (latitude is < -90 or > 90)
        {
            validation.Add("near", "latitude must be from -90 to 90");
        }

        if (longitude is < -180 or > 180)
        {
            validation.Add("near", "longitude must be from -180 to 180");
        }

        var radius = double.Parse(radiusKm!, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (radius is <= 0 or > MaxRadiusKm)
        {
            validation.Add("radius_km", string.Create(CultureInfo.InvariantCulture, $"must be more than 0 and at most {MaxRadiusKm}"));
        }
    }

    /// <summary>The near point of a checked query (null without near).</summary>
    public static NearPoint? Parse(string? near, string? radiusKm)
    {
        if (near is null || radiusKm is null)
        {
            return null;
        }

        var (latitude, longitude) = Split(near);
        return new NearPoint(latitude, longitude, double.Parse(radiusKm, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
    }

    private static (double Latitude, double Longitude) Split(string near)
    {
        var parts = near.Split(',');
        return (double.Parse(parts[0], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture),
            double.Parse(parts[1], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
    }
}
